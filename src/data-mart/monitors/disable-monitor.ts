import { ValidationError } from "../../errors";
import type { DataMartService } from "../../service/data-mart-service";
import type { MonitorName } from "../../service/resources";

/** `<monitor>.disable()`: turns the monitor off and keeps its parameters; disabling one that is off is an error. */
export async function disableMonitor(service: DataMartService, subscription_uid: string, monitor: MonitorName): Promise<void> {
  const current = await service.getMonitorConfiguration(subscription_uid, monitor);
  if (!current.enabled) throw new ValidationError(`${monitor}.disable()`, [{ path: monitor, message: "is not enabled: nothing to disable" }]);
  await service.setMonitorConfiguration(subscription_uid, monitor, { enabled: false, parameters: current.parameters });
}
