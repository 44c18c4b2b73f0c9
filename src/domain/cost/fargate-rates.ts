import type { Architecture } from '../inventory.js';

/**
 * AWS Fargate prices for Linux tasks, per vCPU-hour and per GB-hour, on-demand.
 *
 * Source: https://aws.amazon.com/fargate/pricing/ (Linux/x86 and Linux/ARM tables, per region).
 * The figures are the published on-demand rates, unchanged since Fargate on Graviton launched; they are
 * recorded here as of RATES_AS_OF. Rates change rarely but do change: the policy file can override any region.
 * Not modelled: ephemeral storage above the free 20 GB, the one-minute minimum, Savings Plans, Windows.
 */
export const RATES_AS_OF = '2026-11-24';
export const RATES_SOURCE_URL = 'https://aws.amazon.com/fargate/pricing/';

/** The region whose rates stand in for regions missing from the table; figures are then labelled `fallback`. */
export const FALLBACK_REGION = 'us-east-1';

/**
 * Fargate Spot is priced by the market and moves; AWS advertises "up to 70% off" and the us-east-1 Spot rate
 * has hovered around two thirds off on-demand. An estimate needs one number, so Spot is on-demand × (1 − 0.7)
 * unless the policy file sets `spot_discount` for the region.
 */
export const DEFAULT_SPOT_DISCOUNT = 0.7;

export type PricedCapacity = 'on-demand' | 'spot';
export type RateSource = 'table' | 'override' | 'fallback';

export interface ArchitectureRates {
  vcpuHour: number;
  gbHour: number;
}

export interface FargateRate extends ArchitectureRates {
  /** `fallback` when the region is unknown and us-east-1 rates were used: the caller should say so. */
  source: RateSource;
}

/** One region's rates in the policy file; snake_case because that is how the policy file spells keys. */
export interface RegionRateOverride {
  x86?: { vcpu_hour: number; gb_hour: number };
  arm?: { vcpu_hour: number; gb_hour: number };
  /** Fraction off on-demand for Fargate Spot, between 0 and 1 (0.7 = 70% off). */
  spot_discount?: number;
}

/** `rates` in the policy file: by region code, e.g. `{ "eu-west-1": { spot_discount: 0.65 } }`. */
export type FargateRateOverrides = Record<string, RegionRateOverride>;

type RegionRates = Record<Architecture, ArchitectureRates>;

/** On-demand Linux rates by region (USD). ARM (Graviton) is 20% cheaper than x86 in every region listed. */
export const FARGATE_ON_DEMAND_RATES: Readonly<Record<string, RegionRates>> = {
  // US East (N. Virginia)
  'us-east-1': { x86: { vcpuHour: 0.04048, gbHour: 0.004445 }, arm: { vcpuHour: 0.03238, gbHour: 0.00356 } },
  // US East (Ohio): same price list as N. Virginia
  'us-east-2': { x86: { vcpuHour: 0.04048, gbHour: 0.004445 }, arm: { vcpuHour: 0.03238, gbHour: 0.00356 } },
  // US West (Oregon): same price list as N. Virginia
  'us-west-2': { x86: { vcpuHour: 0.04048, gbHour: 0.004445 }, arm: { vcpuHour: 0.03238, gbHour: 0.00356 } },
  // Europe (Ireland): same price list as N. Virginia
  'eu-west-1': { x86: { vcpuHour: 0.04048, gbHour: 0.004445 }, arm: { vcpuHour: 0.03238, gbHour: 0.00356 } },
  // Europe (Frankfurt)
  'eu-central-1': { x86: { vcpuHour: 0.04656, gbHour: 0.00511 }, arm: { vcpuHour: 0.03725, gbHour: 0.00409 } },
};

function fromOverride(rates: { vcpu_hour: number; gb_hour: number }): ArchitectureRates {
  return { vcpuHour: rates.vcpu_hour, gbHour: rates.gb_hour };
}

/** A discount outside [0, 1] would make Spot cost more than on-demand or less than nothing. */
function clampDiscount(discount: number): number {
  return Number.isFinite(discount) ? Math.min(Math.max(discount, 0), 1) : DEFAULT_SPOT_DISCOUNT;
}

/**
 * The rate one task pays per vCPU-hour and per GB-hour.
 * Fargate Spot does not run ARM64 tasks, so ARM on Spot is priced on-demand (the conservative figure:
 * such tasks are placed on-demand or not at all).
 */
export function rateFor(
  region: string,
  architecture: Architecture,
  capacity: PricedCapacity,
  overrides?: FargateRateOverrides,
): FargateRate {
  const override = overrides?.[region];
  const tableRates = FARGATE_ON_DEMAND_RATES[region];
  const overriddenRates = override?.[architecture];

  let onDemand: ArchitectureRates;
  let source: RateSource;
  if (overriddenRates) {
    onDemand = fromOverride(overriddenRates);
    source = 'override';
  } else if (tableRates) {
    onDemand = tableRates[architecture];
    source = 'table';
  } else {
    // The fallback region is always in the table; the non-null assertion documents that invariant.
    onDemand = FARGATE_ON_DEMAND_RATES[FALLBACK_REGION]![architecture];
    source = 'fallback';
  }

  if (capacity === 'on-demand' || architecture === 'arm') return { ...onDemand, source };

  const discount = clampDiscount(override?.spot_discount ?? DEFAULT_SPOT_DISCOUNT);
  // A Spot discount from the policy is an override even when the on-demand base came from the table.
  const spotSource: RateSource = source === 'table' && override?.spot_discount !== undefined ? 'override' : source;
  return { vcpuHour: onDemand.vcpuHour * (1 - discount), gbHour: onDemand.gbHour * (1 - discount), source: spotSource };
}
