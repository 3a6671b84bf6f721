// Shared by the benchmarks: statistics and the rows of the final table (bench/run.js prints them).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface BenchRow {
	/** Benchmark number and short name, e.g. "1 registration". */
	bench: string;
	/** What was measured, in words. */
	measure: string;
	/** The absolute figure(s), with units. */
	value: string;
	/** The ratio the issue asks for, when there is one (e.g. "1.02×"). */
	ratio?: string;
	/** The target and whether this run met it. */
	target?: string;
	met?: boolean;
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;
export const ratio = (value: number) => `${value.toFixed(2)}×`;
export const int = (value: number) => Math.round(value).toLocaleString('en');

export function now(): number {
	return Number(process.hrtime.bigint()) / 1e6;
}

export const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

function childrenOf(pid: number): number[] {
	try {
		return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
	} catch {
		return []; // pgrep exits 1 when there are none
	}
}

/** Resident set size of a process and all its descendants, in bytes (Linux /proc); 0 when gone. */
export function treeRss(pid: number): number {
	const pids = [pid];
	for (let i = 0; i < pids.length; i++) pids.push(...childrenOf(pids[i]));
	let total = 0;
	for (const id of pids) {
		try {
			const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${id}/status`, 'utf8'));
			if (match) total += Number(match[1]) * 1024;
		} catch {
			// exited meanwhile
		}
	}
	return total;
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export function log(line = ''): void {
	process.stdout.write(`${line}\n`);
}
