import { MachineLearningAsset, type AssetOptions } from "../asset";
import { ServiceTypes } from "../service-types";

/** A model behind a SageMaker endpoint: `source_uid` is the model name of the endpoint's configuration. */
export class SageMakerMachineLearningAsset extends MachineLearningAsset {
  constructor(options: AssetOptions);
  constructor(source_uid: string, options?: Omit<AssetOptions, "source_uid">);
  constructor(sourceUidOrOptions: string | AssetOptions, options?: Omit<AssetOptions, "source_uid">) {
    super("SageMakerMachineLearningAsset", ServiceTypes.SAGEMAKER_MACHINE_LEARNING, sourceUidOrOptions, options);
  }
}
