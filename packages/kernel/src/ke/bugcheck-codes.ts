/** Bug check codes (bugcodes.h) the emulator raises, with the explanation a person reads. */
export const IRQL_NOT_GREATER_OR_EQUAL = 0x09;
export const IRQL_NOT_LESS_OR_EQUAL = 0x0a;
export const SPIN_LOCK_ALREADY_OWNED = 0x0f;
export const SPIN_LOCK_NOT_OWNED = 0x10;
export const BAD_POOL_HEADER = 0x19;
export const KMODE_EXCEPTION_NOT_HANDLED = 0x1e;
export const NO_MORE_IRP_STACK_LOCATIONS = 0x35;
export const IRQL_GT_ZERO_AT_SYSTEM_SERVICE = 0x4a;
export const MULTIPLE_IRP_COMPLETE_REQUESTS = 0x44;
export const PAGE_FAULT_IN_NONPAGED_AREA = 0x50;
export const INVALID_PROCESS_ATTACH_ATTEMPT = 0x05;
export const THREAD_STUCK_IN_DEVICE_DRIVER = 0xea;
export const BAD_POOL_CALLER = 0xc2;
export const DRIVER_VERIFIER_DETECTED_VIOLATION = 0xc4;
export const DRIVER_VERIFIER_IOMANAGER_VIOLATION = 0xc9;
export const DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS = 0xce;
export const DRIVER_IRQL_NOT_LESS_OR_EQUAL = 0xd1;
export const TIMER_OR_DPC_INVALID = 0xc7;
export const IRQL_UNEXPECTED_VALUE = 0xc8;
export const MANUALLY_INITIATED_CRASH = 0xe2;
export const WDF_VIOLATION = 0x10d;
export const MAXIMUM_WAIT_OBJECTS_EXCEEDED = 0x0c;
export const THREAD_TERMINATE_HELD_MUTEX = 0x4000008a;
export const CANCEL_STATE_IN_COMPLETED_IRP = 0x48;
export const RESOURCE_NOT_OWNED = 0xe3;
export const DPC_WATCHDOG_VIOLATION = 0x133;
export const ATTEMPTED_WRITE_TO_READONLY_MEMORY = 0xbe;
/** learn.microsoft.com bug-check-0x9f: a driver's power state is inconsistent, or it held a power IRP too long (P1 the subcode). */
export const DRIVER_POWER_STATE_FAILURE = 0x9f;
/** learn.microsoft.com bug-check-0x139: a fast fail; Parameter 1 names the check (3: a corrupt LIST_ENTRY). */
export const KERNEL_SECURITY_CHECK_FAILURE = 0x139;
/** learn.microsoft.com bug-check-0xca: the PnP manager found a fatal error; Parameter 1 = 0x2: a DDI that needs a PDO got another device object. */
export const PNP_DETECTED_FATAL_ERROR = 0xca;
/** Parameter 1 of KERNEL_SECURITY_CHECK_FAILURE for a LIST_ENTRY whose links disagree (FAST_FAIL_CORRUPT_LIST_ENTRY). */
export const FAST_FAIL_CORRUPT_LIST_ENTRY = 3;

export const BugCheckNames: Readonly<Record<number, string>> = {
  [PNP_DETECTED_FATAL_ERROR]: "PNP_DETECTED_FATAL_ERROR",
  [IRQL_NOT_GREATER_OR_EQUAL]: "IRQL_NOT_GREATER_OR_EQUAL",
  [IRQL_NOT_LESS_OR_EQUAL]: "IRQL_NOT_LESS_OR_EQUAL",
  [SPIN_LOCK_ALREADY_OWNED]: "SPIN_LOCK_ALREADY_OWNED",
  [0x18]: "REFERENCE_BY_POINTER",
  [SPIN_LOCK_NOT_OWNED]: "SPIN_LOCK_NOT_OWNED",
  [BAD_POOL_HEADER]: "BAD_POOL_HEADER",
  [KMODE_EXCEPTION_NOT_HANDLED]: "KMODE_EXCEPTION_NOT_HANDLED",
  [NO_MORE_IRP_STACK_LOCATIONS]: "NO_MORE_IRP_STACK_LOCATIONS",
  [IRQL_GT_ZERO_AT_SYSTEM_SERVICE]: "IRQL_GT_ZERO_AT_SYSTEM_SERVICE",
  [MULTIPLE_IRP_COMPLETE_REQUESTS]: "MULTIPLE_IRP_COMPLETE_REQUESTS",
  [PAGE_FAULT_IN_NONPAGED_AREA]: "PAGE_FAULT_IN_NONPAGED_AREA",
  [INVALID_PROCESS_ATTACH_ATTEMPT]: "INVALID_PROCESS_ATTACH_ATTEMPT",
  [THREAD_STUCK_IN_DEVICE_DRIVER]: "THREAD_STUCK_IN_DEVICE_DRIVER",
  [BAD_POOL_CALLER]: "BAD_POOL_CALLER",
  [DRIVER_VERIFIER_DETECTED_VIOLATION]: "DRIVER_VERIFIER_DETECTED_VIOLATION",
  [DRIVER_VERIFIER_IOMANAGER_VIOLATION]: "DRIVER_VERIFIER_IOMANAGER_VIOLATION",
  [DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS]: "DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS",
  [DRIVER_IRQL_NOT_LESS_OR_EQUAL]: "DRIVER_IRQL_NOT_LESS_OR_EQUAL",
  [TIMER_OR_DPC_INVALID]: "TIMER_OR_DPC_INVALID",
  [IRQL_UNEXPECTED_VALUE]: "IRQL_UNEXPECTED_VALUE",
  [MANUALLY_INITIATED_CRASH]: "MANUALLY_INITIATED_CRASH",
  [WDF_VIOLATION]: "WDF_VIOLATION",
  [MAXIMUM_WAIT_OBJECTS_EXCEEDED]: "MAXIMUM_WAIT_OBJECTS_EXCEEDED",
  [THREAD_TERMINATE_HELD_MUTEX]: "THREAD_TERMINATE_HELD_MUTEX",
  [CANCEL_STATE_IN_COMPLETED_IRP]: "CANCEL_STATE_IN_COMPLETED_IRP",
  [RESOURCE_NOT_OWNED]: "RESOURCE_NOT_OWNED",
  [DPC_WATCHDOG_VIOLATION]: "DPC_WATCHDOG_VIOLATION",
  [ATTEMPTED_WRITE_TO_READONLY_MEMORY]: "ATTEMPTED_WRITE_TO_READONLY_MEMORY",
  [DRIVER_POWER_STATE_FAILURE]: "DRIVER_POWER_STATE_FAILURE",
  [KERNEL_SECURITY_CHECK_FAILURE]: "KERNEL_SECURITY_CHECK_FAILURE",
};

/** What the bug check means, in the words of the debugger documentation (paraphrased). */
export const BugCheckExplanations: Readonly<Record<number, string>> = {
  [PNP_DETECTED_FATAL_ERROR]: "The Plug and Play manager found a driver error it cannot recover from (parameter 1 says which: 0x2 is a DDI that needs a PDO called with another device object).",
  [IRQL_NOT_GREATER_OR_EQUAL]: "The IRQL was \"raised\" to a level below the current one (KeRaiseIrql must not lower).",
  [IRQL_NOT_LESS_OR_EQUAL]:
    "Kernel code accessed paged-out or invalid memory at an IRQL that was too high (DISPATCH_LEVEL or above), where page faults cannot be serviced.",
  [SPIN_LOCK_ALREADY_OWNED]: "A spin lock was acquired by the processor that already owns it; it would spin forever.",
  [0x18]: "The reference count of an object is wrong for its state: it was dereferenced once too often.",
  [SPIN_LOCK_NOT_OWNED]: "A spin lock was released that the processor does not own.",
  [BAD_POOL_HEADER]: "A pool header is corrupt or a free was given an address the pool did not hand out.",
  [KMODE_EXCEPTION_NOT_HANDLED]: "Kernel-mode code raised an exception that no handler caught.",
  [NO_MORE_IRP_STACK_LOCATIONS]:
    "IoCallDriver was called with no stack location left in the IRP: the IRP was allocated with too small a StackSize, or a driver forwarded it without IoSkipCurrentIrpStackLocation or IoCopyCurrentIrpStackLocationToNext accounting.",
  [MULTIPLE_IRP_COMPLETE_REQUESTS]: "A driver called IoCompleteRequest for an IRP that was already complete.",
  [IRQL_GT_ZERO_AT_SYSTEM_SERVICE]:
    "A system call returned to user mode at an IRQL above PASSIVE_LEVEL: kernel code raised the IRQL (or took a spin lock) and never lowered it.",
  [PAGE_FAULT_IN_NONPAGED_AREA]: "Kernel code referenced memory that is not mapped.",
  [BAD_POOL_CALLER]: "A pool request was made with bad parameters, at a bad IRQL, or frees memory twice.",
  [DRIVER_VERIFIER_DETECTED_VIOLATION]: "Driver Verifier caught a driver breaking a kernel rule.",
  [DRIVER_VERIFIER_IOMANAGER_VIOLATION]: "The I/O verifier caught a driver breaking an I/O manager rule.",
  [DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS]:
    "A driver unloaded while timers, DPCs, work items or threads of it were still pending.",
  [DRIVER_IRQL_NOT_LESS_OR_EQUAL]:
    "A driver accessed pageable (paged-out) or invalid memory at an IRQL that was too high (DISPATCH_LEVEL or above).",
  [TIMER_OR_DPC_INVALID]: "A kernel timer or DPC was found in memory where it is not permitted.",
  [IRQL_UNEXPECTED_VALUE]:
    "The processor's IRQL is not what it should be at this point: code changed the IRQL and did not restore it (for example, it acquired a spin lock and never released it).",
  [MANUALLY_INITIATED_CRASH]: "The crash was initiated on purpose.",
  [WDF_VIOLATION]: "The Kernel-Mode Driver Framework detected a driver error.",
  [MAXIMUM_WAIT_OBJECTS_EXCEEDED]: "A wait was asked for on more objects than the thread's wait blocks can hold (THREAD_WAIT_OBJECTS without a wait block array, MAXIMUM_WAIT_OBJECTS with one).",
  [CANCEL_STATE_IN_COMPLETED_IRP]: "An IRP was cancelled after it had been completed: its cancel routine would run on a request that no longer belongs to the driver.",
  [THREAD_TERMINATE_HELD_MUTEX]: "A thread ended while it still owned a kernel mutex: a driver acquired a mutex in the thread and never released it.",
  [RESOURCE_NOT_OWNED]: "A thread tried to release an executive resource (ERESOURCE) it does not own.",
  [DPC_WATCHDOG_VIOLATION]:
    "The DPC watchdog fired: a single DPC ran longer than its time allotment (Parameter 1 = 0), or the processor spent too long at DISPATCH_LEVEL or above (Parameter 1 = 1).",
  [DRIVER_POWER_STATE_FAILURE]:
    "A driver is in an inconsistent or invalid power state: it held a power IRP too long (Parameter 1 = 3), or a device object was freed with a power IRP still outstanding (Parameter 1 = 1).",
  [ATTEMPTED_WRITE_TO_READONLY_MEMORY]: "A driver wrote to read-only kernel memory (P1 the address written, P2 the PTE contents).",
  [KERNEL_SECURITY_CHECK_FAILURE]:
    "The kernel found one of its critical data structures corrupt (Parameter 1 says which check failed; 3 is a LIST_ENTRY whose neighbours do not point back at it).",
};

/** Subcodes (parameter 1) of DRIVER_VERIFIER_IOMANAGER_VIOLATION (0xC9) the verifier raises. */
export const IOMGR_IRQL_CHANGED_BY_DISPATCH = 0x05;
export const IOMGR_COMPLETE_WITH_PENDING_STATUS = 0x06;
export const IOMGR_COMPLETE_WITH_CANCEL_ROUTINE = 0x07;
export const IOMGR_COMPLETE_ABOVE_DISPATCH = 0x0e;
export const IOMGR_CALL_DRIVER_ABOVE_DISPATCH = 0x10;
export const IOMGR_CALL_DRIVER_WITH_CANCEL_ROUTINE = 0x203;
export const IOMGR_FREE_IRP_IN_USE = 0x20a;
/** DCERROR_PNP_IRP_BAD_INITIAL_STATUS: an IRP_MJ_PNP sent with an initial status other than STATUS_NOT_SUPPORTED. */
export const IOMGR_PNP_IRP_BAD_INITIAL_STATUS = 0x20e;
export const IOMGR_STATUS_MISMATCH = 0x224;
export const IOMGR_STATUS_INVALID = 0x225;
export const IOMGR_COMPLETION_NOT_PROPAGATING_PENDING = 0x228;
export const IOMGR_PENDING_WITHOUT_MARK = 0x23d;
export const IOMGR_MARKED_PENDING_NOT_RETURNED = 0x23e;
export const IOMGR_DOUBLE_DELETE_DEVICE = 0x240;
export const IOMGR_DEVICE_INITIALIZING_NOT_CLEARED = 0x243;

export const IoVerifierExplanations: Readonly<Record<number, string>> = {
  [IOMGR_IRQL_CHANGED_BY_DISPATCH]: "A dispatch routine returned at a different IRQL than it was called at.",
  [IOMGR_COMPLETE_WITH_PENDING_STATUS]: "IoCompleteRequest was called with IoStatus.Status set to STATUS_PENDING (or the invalid status 0xFFFFFFFF).",
  [IOMGR_COMPLETE_WITH_CANCEL_ROUTINE]: "IoCompleteRequest was called while the IRP still had a cancel routine set.",
  [IOMGR_COMPLETE_ABOVE_DISPATCH]: "IoCompleteRequest was called above DISPATCH_LEVEL.",
  [IOMGR_CALL_DRIVER_ABOVE_DISPATCH]: "IoCallDriver was called above DISPATCH_LEVEL.",
  [IOMGR_CALL_DRIVER_WITH_CANCEL_ROUTINE]: "IoCallDriver was called with a cancel routine still set in the IRP.",
  [IOMGR_FREE_IRP_IN_USE]: "IoFreeIrp was called on an IRP that is still in use by a driver.",
  [IOMGR_PNP_IRP_BAD_INITIAL_STATUS]: "An IRP_MJ_PNP was sent with IoStatus.Status other than STATUS_NOT_SUPPORTED: its sender must set STATUS_NOT_SUPPORTED, so drivers that do not handle the minor can pass it on untouched.",
  [IOMGR_STATUS_MISMATCH]:
    "A dispatch routine returned a status that differs from Irp->IoStatus.Status after completing the IRP.",
  [IOMGR_STATUS_INVALID]: "A dispatch routine returned the illegal status 0xFFFFFFFF (probably an uninitialized variable).",
  [IOMGR_COMPLETION_NOT_PROPAGATING_PENDING]:
    "A completion routine did not call IoMarkIrpPending although Irp->PendingReturned was set.",
  [IOMGR_PENDING_WITHOUT_MARK]: "A dispatch routine returned STATUS_PENDING without calling IoMarkIrpPending.",
  [IOMGR_MARKED_PENDING_NOT_RETURNED]: "A dispatch routine called IoMarkIrpPending but did not return STATUS_PENDING.",
  [IOMGR_DOUBLE_DELETE_DEVICE]: "IoDeleteDevice was called twice for the same device object.",
  [IOMGR_DEVICE_INITIALIZING_NOT_CLEARED]: "A driver did not clear DO_DEVICE_INITIALIZING after creating its device.",
};

/**
 * Subcodes (parameter 1) of DRIVER_VERIFIER_DETECTED_VIOLATION (0xC4), as the bug check's
 * table lists them:
 * https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc4--driver-verifier-detected-violation
 */
/** The driver asked for a zero-byte pool allocation (P2 IRQL, P3 pool type, P4 0). */
export const VF_POOL_ZERO_BYTES = 0x00;
/** KeRaiseIrql to a level below the current one (P2 current IRQL, P3 requested). */
export const VF_RAISE_IRQL_INVALID = 0x30;
/** KeLowerIrql to a level above the current one (P2 current IRQL, P3 requested, P4 0). */
export const VF_LOWER_IRQL_INVALID = 0x31;
/** KeReleaseSpinLock at an IRQL other than DISPATCH_LEVEL (P2 IRQL, P3 the lock). */
export const VF_RELEASE_SPIN_LOCK_IRQL = 0x32;
/** KeAcquireSpinLockAtDpcLevel below DISPATCH_LEVEL (P2 IRQL, P3 the lock). */
export const VF_ACQUIRE_SPIN_LOCK_AT_DPC_LEVEL_IRQL = 0x40;
/** KeReleaseSpinLockFromDpcLevel below DISPATCH_LEVEL (P2 IRQL, P3 the lock). */
export const VF_RELEASE_SPIN_LOCK_FROM_DPC_LEVEL_IRQL = 0x41;
/** KeAcquireSpinLock above DISPATCH_LEVEL (P2 IRQL, P3 the lock). */
export const VF_ACQUIRE_SPIN_LOCK_IRQL = 0x42;
/** Unloading with pool still allocated (P2 the driver's name, P4 the allocations left). */
export const VF_POOL_LEAKED_AT_UNLOAD = 0x62;
/** MmProbeAndLockPages above DISPATCH_LEVEL (P2 IRQL, P3 the MDL, P4 the access mode). */
export const VF_PROBE_AND_LOCK_IRQL = 0x70;
/** MmMapLockedPagesSpecifyCache (MmGetSystemAddressForMdlSafe) in kernel mode above DISPATCH_LEVEL (P2 IRQL, P3 the MDL, P4 the access mode). */
export const VF_MAP_LOCKED_PAGES_SPECIFY_CACHE_IRQL = 0x76;
/** MmUnlockPages on an MDL whose pages were never locked (P2 the MDL, P3 its flags). */
export const VF_UNLOCK_PAGES_NOT_LOCKED = 0x7c;
/** KeSetEvent above DISPATCH_LEVEL (P2 IRQL, P3 the event). */
export const VF_SET_EVENT_IRQL = 0x80;
/** IoFreeMdl on an MDL whose pages are still mapped (P2 the MDL, P3 its flags). */
export const VF_FREE_MDL_STILL_MAPPED = 0xb8;
/** A kernel API was called at the wrong IRQL (P2 IRQL): for a DDI no compliance rule covers. */
export const VF_KERNEL_API_WRONG_IRQL = 0xe5;
/** An IRP completion routine returned at another IRQL (P2 the routine, P3 IRQL before, P4 after). */
export const VF_COMPLETION_ROUTINE_IRQL_CHANGED = 0xfa;
/** A wait above DISPATCH_LEVEL (P2 the IRQL, P3 the object, P4 the timeout). */
export const VF_WAIT_ABOVE_DISPATCH = 0x120;
/** A wait at DISPATCH_LEVEL with a NULL timeout (P2 the IRQL, P3 the object, P4 0). */
export const VF_WAIT_AT_DISPATCH_NO_TIMEOUT = 0x121;
/** A wait at DISPATCH_LEVEL with a non-zero timeout (P2 the IRQL, P3 the object, P4 the timeout). */
export const VF_WAIT_AT_DISPATCH_WITH_TIMEOUT = 0x122;
export const VF_FAST_MUTEX_ACQUIRE_IRQL = 0x33;
export const VF_FAST_MUTEX_RELEASE_IRQL = 0x34;
export const VF_RESOURCE_ACQUIRE_APCS_ENABLED = 0x37;
export const VF_RESOURCE_RELEASE_APCS_ENABLED = 0x38;
export const VF_FAST_MUTEX_UNSAFE_ACQUIRE = 0x39;
export const VF_FAST_MUTEX_UNSAFE_RELEASE = 0x3a;
export const VF_RESOURCE_REINITIALIZED = 0xd0;
export const VF_RESOURCE_DELETE_UNINITIALIZED = 0xd1;
export const VF_REMOVE_LOCK_RELEASE_TAG = 0xd5;
export const VF_REMOVE_LOCK_RELEASE_AND_WAIT_TAG = 0xd6;
export const VF_REMOVE_LOCK_REINITIALIZED = 0xd7;
/** Deadlock detection: a thread acquires again a lock it holds (it would wait for itself). */
export const VF_DEADLOCK_SELF = 0x1000;
/** Deadlock detection: a lock hierarchy violation (locks taken in orders that form a cycle). */
export const VF_DEADLOCK_DETECTED = 0x1001;
export const VF_DEADLOCK_UNINITIALIZED = 0x1002;
/** Deadlock detection: the lock is released by a thread that does not own it. */
export const VF_DEADLOCK_WRONG_THREAD = 0x1004;
/** Deadlock detection: a lock released that was never acquired. */
export const VF_DEADLOCK_UNACQUIRED = 0x1007;
/** Deadlock detection: a lock released with the API of another kind of acquisition. */
export const VF_DEADLOCK_MISMATCHED_RELEASE = 0x1009;
/** Deadlock detection: a lock deleted while a thread still owns it. */
export const VF_DEADLOCK_DELETE_OWNED = 0x100b;
/**
 * DDI compliance rules (0x0002xxxx IRQL rules, 0x0004xxxx others), each named by its page
 * https://learn.microsoft.com/windows-hardware/drivers/devtest/wdm-<rule>. Windows gives
 * P2 a pointer to the rule's text; ours is the IRQL (the text is the explanation).
 */
/** IrqlDispatch: KeInsertDeviceQueue, IoStartNextPacket... only at DISPATCH_LEVEL. */
export const VF_RULE_IRQL_DISPATCH = 0x00020003;
/** IrqlExApcLte2: ProbeForRead, ProbeForWrite... only at or below APC_LEVEL. */
export const VF_RULE_IRQL_EX_APC_LTE2 = 0x00020006;
export const VF_RULE_IRQL_EX_APC_LTE3 = 0x00020007;
/** IrqlIoPassive1: IoCreateDevice, IoAttachDevice at PASSIVE_LEVEL; IoBuildDeviceIoControlRequest at or below APC_LEVEL. */
export const VF_RULE_IRQL_IO_PASSIVE1 = 0x0002000a;
export const VF_RULE_IRQL_IO_PASSIVE5 = 0x0002000e;
export const VF_RULE_IRQL_KE_APC_LTE2 = 0x00020010;
/** IrqlKeDispatchLte: KeSetTimer(Ex), KeRemoveEntryDeviceQueue... at or below DISPATCH_LEVEL. */
export const VF_RULE_IRQL_KE_DISPATCH_LTE = 0x00020011;
/** IrqlObPassive: ObReferenceObjectByHandle only at PASSIVE_LEVEL. */
export const VF_RULE_IRQL_OB_PASSIVE = 0x0002001b;
/** IrqlPsPassive: PsCreateSystemThread, PsTerminateSystemThread... only at PASSIVE_LEVEL. */
export const VF_RULE_IRQL_PS_PASSIVE = 0x0002001c;
/** IrqlReturn: a dispatch routine returns at the IRQL it was called at. */
export const VF_RULE_IRQL_RETURN = 0x0002001d;
/** IrqlZwPassive: ZwClose and the registry routines (ZwCreateKey, ZwQueryValueKey...) only at PASSIVE_LEVEL. */
export const VF_RULE_IRQL_ZW_PASSIVE = 0x0002001f;
/** SpinLock: a spin lock acquired is released before the routine returns. */
export const VF_RULE_SPIN_LOCK = 0x00040009;
export const VF_RULE_GUARDED_REGIONS = 0x0004000e;
