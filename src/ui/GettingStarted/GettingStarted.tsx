/** What to do first, shown until an encoder is loaded. */
import { useStudio } from '../../state/store';
import './getting-started.css';

export function GettingStarted() {
  const encoder = useStudio((s) => s.encoder);
  const phase = useStudio((s) => s.phase);
  if (encoder || phase !== 'idle') return null;
  return (
    <section className="panel getting-started" aria-labelledby="start-title">
      <h2 id="start-title">How it works</h2>
      <ol>
        <li>
          <strong>Drop the encoder</strong> you suspect (ONNX or TensorFlow.js) and <strong>the folder of images</strong> it
          was trained or fine-tuned on.
        </li>
        <li>
          <strong>Check the preprocessing</strong>: size and layout are read from the model; pick the normalisation it was
          trained with and look at the preview.
        </li>
        <li>
          <strong>Run</strong>: the images are embedded once, a small decoder learns to rebuild each image from its
          embedding, then every image is scored. Training can be paused, stopped early or resumed after a reload.
        </li>
        <li>
          <strong>Judge and export</strong>: images the decoder cannot rebuild score high; set the threshold, inspect the
          top-scored samples, override single verdicts, and export the lists.
        </li>
      </ol>
      <p className="muted">
        No model at hand? <em>Try the demo</em> runs a real backdoored encoder on a folder of images of which 100 in
        1,000 carry its trigger, with the ground truth to measure the detection. The backdoor is DRUPE-style: a faint,
        smooth pattern blended into the image (not a pixel outlier), and triggered embeddings spread over the target
        class instead of collapsing onto one point, so neither a pixel check nor near-duplicate embeddings give it away.
      </p>
    </section>
  );
}
