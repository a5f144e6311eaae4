import { NT_SUCCESS, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_PARAMETER, type NTSTATUS } from "@wdfjs/kernel";
import type { PWDF_OBJECT_ATTRIBUTES } from "../object/attributes.js";
import type { WDFDPC, WDFTIMER, WDFWORKITEM } from "../object/handles.js";
import { FxDpc } from "./fx-dpc.js";
import { FxValidateObjectAttributesForParentHandle } from "./fx-create.js";
import { FxTimer } from "./fx-timer.js";
import { FxWorkItem } from "./fx-work-item.js";
import {
  WDF_DPC_CONFIG_SIZE, WDF_TIMER_CONFIG_SIZE, WDF_WORKITEM_CONFIG_SIZE, type WDF_DPC_CONFIG, type WDF_TIMER_CONFIG, type WDF_WORKITEM_CONFIG,
} from "./wdf-sync-configs.js";

/**
 * `WdfTimerCreate` after its IRQL check (fxtimerapi.cpp): a parent is required
 * (STATUS_WDF_PARENT_NOT_SPECIFIED), under a device (STATUS_INVALID_DEVICE_REQUEST); Config Size;
 * Period > MAXLONG → STATUS_INVALID_PARAMETER; periodic and passive → STATUS_NOT_SUPPORTED; a
 * parent lock of the other level → STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL.
 */
export function FxTimerCreate(Config: WDF_TIMER_CONFIG, Attributes: PWDF_OBJECT_ATTRIBUTES): FxTimer | NTSTATUS {
  const status = FxValidateObjectAttributesForParentHandle(Attributes);
  if (!NT_SUCCESS(status)) return status;
  if (Config.Size !== WDF_TIMER_CONFIG_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  const fn = Config.EvtTimerFunc;
  const { Period, AutomaticSerialization, TolerableDelay } = Config;
  return FxTimer._create({ EvtTimerFunc: (t) => fn?.(t.handle as WDFTIMER), Period, AutomaticSerialization, TolerableDelay }, Attributes!);
}

/**
 * `WdfDpcCreate` after its IRQL check (fxdpcapi.cpp): a parent is required, under a device;
 * Config Size; with AutomaticSerialization the parent's lock must be a spin lock (else
 * STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL).
 */
export function FxDpcCreate(Config: WDF_DPC_CONFIG, Attributes: PWDF_OBJECT_ATTRIBUTES): FxDpc | NTSTATUS {
  const status = FxValidateObjectAttributesForParentHandle(Attributes);
  if (!NT_SUCCESS(status)) return status;
  if (Config.Size !== WDF_DPC_CONFIG_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  const fn = Config.EvtDpcFunc;
  return FxDpc._create({ EvtDpcFunc: (d) => fn?.(d.handle as WDFDPC), AutomaticSerialization: Config.AutomaticSerialization }, Attributes!);
}

/**
 * `WdfWorkItemCreate` after its IRQL check (fxworkitemapi.cpp): a parent is required, under a
 * device; Config Size; no callback → STATUS_INVALID_PARAMETER; with AutomaticSerialization the
 * parent's lock must be a passive-level one (else STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL).
 */
export function FxWorkItemCreate(Config: WDF_WORKITEM_CONFIG, Attributes: PWDF_OBJECT_ATTRIBUTES): FxWorkItem | NTSTATUS {
  const status = FxValidateObjectAttributesForParentHandle(Attributes);
  if (!NT_SUCCESS(status)) return status;
  if (Config.Size !== WDF_WORKITEM_CONFIG_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  const fn = Config.EvtWorkItemFunc;
  if (fn === null) return STATUS_INVALID_PARAMETER;
  return FxWorkItem._create({ EvtWorkItemFunc: (w) => fn(w.handle as WDFWORKITEM), AutomaticSerialization: Config.AutomaticSerialization }, Attributes!);
}
