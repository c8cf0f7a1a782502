/** Test support: a seeded random TrainData (normal pixels, 6-d normal embeddings) for the core's unit tests. */
import type { TrainData } from './model';
import { Rng } from './model/rng';

/** n images of size x size x 3 and n 6-d embeddings, all standard normal draws from stream `seed`. */
export function synthTrainData(n: number, size = 8, seed = 11): TrainData {
  const rng = Rng.derive(seed);
  const img = Float32Array.from({ length: n * size * size * 3 }, () => rng.normal());
  const emb = Float32Array.from({ length: n * 6 }, () => rng.normal());
  return { images: { count: n, size, data: img }, emb: { count: n, dim: 6, data: emb } };
}
