import { MachineLearningAsset, type AssetOptions } from "../asset";
import { ServiceTypes } from "../service-types";

/** A web service of Azure Machine Learning Studio (classic): `source_uid` is the web service name. */
export class AzureMachineLearningAsset extends MachineLearningAsset {
  constructor(options: AssetOptions);
  constructor(source_uid: string, options?: Omit<AssetOptions, "source_uid">);
  constructor(sourceUidOrOptions: string | AssetOptions, options?: Omit<AssetOptions, "source_uid">) {
    super(new.target.name, ServiceTypes.AZURE_MACHINE_LEARNING, sourceUidOrOptions, options);
  }
}

/** The v1 SDK's newer name for {@link AzureMachineLearningAsset}. */
export class AzureMachineLearningStudioAsset extends AzureMachineLearningAsset {}
