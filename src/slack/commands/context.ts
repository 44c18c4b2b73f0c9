import type { Clock } from '../../domain/clock.js';
import type { AccessPolicy, Subject } from '../../domain/permissions.js';
import type { AuditEntry } from '../../store/audit-store.js';
import type { Fleet } from '../../store/fleet.js';
import type { RefreshRecord } from '../../store/inventory-store.js';
import type { Reply } from '../blocks/common.js';

/** Everything a command may use; built once in the composition root. */
export interface CommandDeps {
  fleet: Fleet;
  access: AccessPolicy;
  refresh: (trigger: string) => Promise<RefreshRecord>;
  clock: Clock;
}

export interface CommandContext extends CommandDeps {
  subject: Subject;
}

/** A command's answer plus what the audit trail should say about it. */
export interface CommandOutcome {
  reply: Reply;
  environment?: string | null;
  outcome: AuditEntry['outcome'];
  detail?: string;
}
