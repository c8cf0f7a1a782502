import { describe, expect, it } from 'vitest';
import { JobControl } from './control';

describe('JobControl', () => {
  it('pauses, then resumes where it stopped', async () => {
    const c = new JobControl();
    expect(c.shouldStop()).toBe(false);
    c.pause();
    expect(c.shouldStop()).toBe(true);
    expect(c.stopReason).toBe('pause');
    let resumed = false;
    const waiting = c.waitWhilePaused().then(() => (resumed = true));
    await Promise.resolve();
    expect(resumed).toBe(false);
    c.resume();
    await waiting;
    expect(resumed).toBe(true);
    expect(c.shouldStop()).toBe(false);
  });

  it('cancel wins over pause and over finishing early, and wakes a paused job', async () => {
    const c = new JobControl();
    c.pause();
    const waiting = c.waitWhilePaused();
    c.cancel();
    await waiting;
    expect(c.stopReason).toBe('cancel');
    c.finishEarly();
    c.resume();
    expect(c.stopReason).toBe('cancel');
  });

  it('finishing early while paused releases the wait with reason finish', async () => {
    const c = new JobControl();
    c.pause();
    const waiting = c.waitWhilePaused();
    c.finishEarly();
    await waiting;
    expect(c.stopReason).toBe('finish');
  });
});
