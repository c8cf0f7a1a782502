/** The DeDe decoder: model, training, checkpoints and scoring (see each module's header). */
export { DedeModel, validateConfig } from './dede';
export { Adam, ADAM_DEFAULTS, type AdamConfig, type AdamSnapshot } from './adam';
export { type TrainData } from './batch';
export {
  createTrainState,
  trainEpochs,
  trainStep,
  trainMaskAt,
  stepsPerEpoch,
  disposeTrainState,
  type TrainState,
  type TrainHooks,
} from './train';
export {
  saveCheckpoint,
  saveCheckpointAsync,
  loadCheckpoint,
  checkpointToBytes,
  checkpointFromBytes,
  type Checkpoint,
  type CheckpointHeader,
} from './checkpoint';
export { scoreImages, reconstruct, CancelledError, DEFAULT_SCORE_BATCH, type ScoreHooks } from './score';
export { Rng } from './rng';
export { patchify, unpatchify, keepCount, planMasks, type MaskPlan } from './patches';
