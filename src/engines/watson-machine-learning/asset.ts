import { MachineLearningAsset, type AssetOptions } from "../asset";
import { ServiceTypes } from "../service-types";

/** A model in a Watson Machine Learning space: `source_uid` is the model uid. Like v1, the model uid may come first: `new WatsonMachineLearningAsset(model_uid, { problem_type, ... })`. */
export class WatsonMachineLearningAsset extends MachineLearningAsset {
  constructor(options: AssetOptions);
  constructor(source_uid: string, options?: Omit<AssetOptions, "source_uid">);
  constructor(sourceUidOrOptions: string | AssetOptions, options?: Omit<AssetOptions, "source_uid">) {
    super("WatsonMachineLearningAsset", ServiceTypes.WATSON_MACHINE_LEARNING, sourceUidOrOptions, options);
  }
}
