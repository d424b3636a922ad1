import {
  ConfigError,
  DEFAULT_CLIENT_SUBMIT,
  type ClientSubmitSettings,
  type DefaultAlphabet,
  type DestinationFormat,
  type OperatorLink,
  type ServerSubmitSettings,
} from '@parchee/config';
import { CommandStatus, formatAbsoluteTime, formatRelativeTime, type CommandStatusName } from '@parchee/smpp';

/** How an MT's validity_period is written: its remaining lifetime, its expiry as a moment, or left to the SMSC. */
export type ValidityRule = { kind: 'relative' } | { kind: 'absolute'; offsetQuarterHours: number } | { kind: 'none' };

/**
 * The fields of every submit_sm (or, on a server-mode link, deliver_sm) egress sends to one
 * operator: its link's `submit:` block, resolved.
 */
export interface SubmitProfile {
  sourceTon: number;
  sourceNpi: number;
  destTon: number;
  destNpi: number;
  destFormat: DestinationFormat;
  validity: ValidityRule;
  registeredDelivery: number;
  serviceType: string;
  /** What the SMSC reads data_coding 0 as. */
  dataCoding0: DefaultAlphabet;
  /** command_status values this operator means as temporary, besides those SMPP calls temporary. */
  retriableStatuses: ReadonlySet<number>;
}

/** "+05:30" as quarter hours, the unit of an SMPP absolute time's offset. */
function quarterHours(offset: string): number {
  const [hours, minutes] = offset.slice(1).split(':').map(Number);
  return (offset.startsWith('-') ? -1 : 1) * (hours * 4 + minutes / 15);
}

function statuses(settings: ClientSubmitSettings | ServerSubmitSettings, operator: string, problems: string[]): Set<number> {
  const resolved = new Set<number>();
  settings.retriableStatuses.forEach((status, i) => {
    if (typeof status === 'number') resolved.add(status);
    else if (Object.hasOwn(CommandStatus, status)) resolved.add(CommandStatus[status as CommandStatusName]);
    else
      problems.push(`operators.${operator}.submit.retriableStatuses.${i}: ${status} is no SMPP 3.4 command_status name; write the number for a vendor status`);
  });
  return resolved;
}

function resolve(operator: string, submit: ClientSubmitSettings | ServerSubmitSettings): SubmitProfile {
  const problems: string[] = [];
  const profile: SubmitProfile = {
    sourceTon: submit.sourceTon,
    sourceNpi: submit.sourceNpi,
    destTon: submit.destTon,
    destNpi: submit.destNpi,
    destFormat: submit.destFormat,
    validity: { kind: 'none' },
    registeredDelivery: 0,
    serviceType: submit.serviceType,
    dataCoding0: submit.dataCoding0,
    retriableStatuses: statuses(submit, operator, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  // A server-mode link's settings have no validity: its replies go out as deliver_sm.
  if (!('validity' in submit)) return profile;
  const { validity, validityUtcOffset, registeredDelivery } = submit;
  return {
    ...profile,
    registeredDelivery,
    validity: validity === 'absolute' ? { kind: 'absolute', offsetQuarterHours: quarterHours(validityUtcOffset) } : { kind: validity },
  };
}

/**
 * The profile of one link. A status named in `retriableStatuses` is looked up here, against the
 * SMPP table (the config lib does not know it): an unknown name throws a ConfigError naming the
 * link and key, which loadEgressConfig raises at boot. A server-mode link's replies go out as
 * deliver_sm: no validity and no receipt request.
 */
export function resolveSubmitProfile(link: OperatorLink): SubmitProfile {
  return resolve(link.id, link.submit);
}

/** Checks every link's profile at boot, reporting all the problems at once. */
export function checkSubmitProfiles(links: readonly OperatorLink[]): void {
  const problems = links.flatMap((link) => {
    try {
      resolveSubmitProfile(link);
      return [];
    } catch (err) {
      return err instanceof ConfigError ? err.problems : [(err as Error).message];
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
}

/** What a link without a `submit:` block sends: the fields egress has always sent. */
export const DEFAULT_SUBMIT_PROFILE: Readonly<SubmitProfile> = Object.freeze(resolve('default', DEFAULT_CLIENT_SUBMIT));

/** Every MT egress holds is to a Pakistani mobile, 92 then the national number (ingress's territorial filter). */
const COUNTRY_CODE = '92';

/**
 * The destination_addr of an MT in the link's number format, from the international form the
 * MT carries (923001234567). Null when a national form is asked of a number without the
 * country code, which cannot be written nationally.
 */
export function formatDestination(msisdn: string, format: DestinationFormat): string | null {
  if (format === 'international') return msisdn;
  if (format === 'plus') return `+${msisdn}`;
  if (!msisdn.startsWith(COUNTRY_CODE) || msisdn.length === COUNTRY_CODE.length) return null;
  const national = msisdn.slice(COUNTRY_CODE.length);
  return format === 'national' ? national : `0${national}`;
}

/** The SMSC is asked to keep a part at least this long, even when the reply is about to expire. */
export const MIN_VALIDITY_MS = 1000;

/**
 * The validity_period of a part sent at `now` of a reply that expires at `expiresAt`: the SMSC
 * drops it undelivered then, rather than hand the citizen a stale answer. Undefined leaves it to
 * the SMSC's default.
 */
export function validityPeriod(rule: ValidityRule, expiresAt: number, now: number): string | undefined {
  if (rule.kind === 'none') return undefined;
  if (rule.kind === 'relative') return formatRelativeTime(Math.max(MIN_VALIDITY_MS, expiresAt - now));
  return formatAbsoluteTime(new Date(Math.max(now + MIN_VALIDITY_MS, expiresAt)), rule.offsetQuarterHours);
}
