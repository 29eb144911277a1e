import { generateCreditRisk } from "../../datasets/credit-risk";
import { generateIris } from "../../datasets/iris";
import { trainModel, type TrainedModel } from "./trained-model";

/** The models the local engines serve. */
export interface ModelZoo {
  creditRisk: TrainedModel;
  iris: TrainedModel;
}

const cache = new Map<string, ModelZoo>();

/** Trains the local engines' models for a seed, once per process. */
export function modelZoo(seed: number | string = 42): ModelZoo {
  const key = String(seed);
  let zoo = cache.get(key);
  if (!zoo) {
    zoo = {
      creditRisk: trainModel("German credit risk model", generateCreditRisk({ rows: 5000, seed })),
      iris: trainModel("Iris species model", generateIris({ rows: 600, seed })),
    };
    cache.set(key, zoo);
  }
  return zoo;
}
