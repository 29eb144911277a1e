import { MachineLearningAsset, type AssetOptions } from "../asset";
import { ServiceTypes } from "../service-types";

/** A model served by a custom ML engine (its `source_uid` is the asset guid of `GET /v1/deployments`). */
export class CustomMachineLearningAsset extends MachineLearningAsset {
  constructor(options: AssetOptions);
  constructor(source_uid: string, options?: Omit<AssetOptions, "source_uid">);
  constructor(sourceUidOrOptions: string | AssetOptions, options?: Omit<AssetOptions, "source_uid">) {
    super("CustomMachineLearningAsset", ServiceTypes.CUSTOM_MACHINE_LEARNING, sourceUidOrOptions, options);
  }
}
