import { MachineLearningAsset, type AssetOptions } from "../asset";
import { ServiceTypes } from "../service-types";

/** A model behind an Azure ML online endpoint. */
export class AzureMachineLearningServiceAsset extends MachineLearningAsset {
  constructor(options: AssetOptions);
  constructor(source_uid: string, options?: Omit<AssetOptions, "source_uid">);
  constructor(sourceUidOrOptions: string | AssetOptions, options?: Omit<AssetOptions, "source_uid">) {
    super("AzureMachineLearningServiceAsset", ServiceTypes.AZURE_MACHINE_LEARNING_SERVICE, sourceUidOrOptions, options);
  }
}
