/** The `service_type` strings that a binding records for each kind of engine (v1 SDK names). */
export const ServiceTypes = {
  WATSON_MACHINE_LEARNING: "watson_machine_learning",
  AZURE_MACHINE_LEARNING: "azure_machine_learning",
  AZURE_MACHINE_LEARNING_SERVICE: "azure_machine_learning_service",
  SAGEMAKER_MACHINE_LEARNING: "sagemaker_machine_learning",
  CUSTOM_MACHINE_LEARNING: "custom_machine_learning",
} as const;

export type ServiceType = (typeof ServiceTypes)[keyof typeof ServiceTypes];

export const SERVICE_TYPE_VALUES: readonly ServiceType[] = Object.values(ServiceTypes);

export function isServiceType(value: unknown): value is ServiceType {
  return typeof value === "string" && (SERVICE_TYPE_VALUES as readonly string[]).includes(value);
}
