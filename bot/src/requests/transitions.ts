import type { RequestState } from './types.js';

// The edges a request may take; the store refuses anything else even when the caller's `from` allows it,
// so a bug elsewhere cannot resurrect a finished request.

export const ALLOWED_TRANSITIONS: Readonly<Record<RequestState, readonly RequestState[]>> = {
  'pending-approval': ['approved', 'denied', 'expired', 'refused'],
  approved: ['dispatched', 'refused', 'failed'],
  dispatched: ['running', 'succeeded', 'failed'],
  running: ['succeeded', 'failed'],
  denied: [],
  expired: [],
  succeeded: [],
  failed: [],
  refused: [],
};

export const canTransition = (from: RequestState, to: RequestState): boolean =>
  ALLOWED_TRANSITIONS[from].includes(to);

export const isFinal = (state: RequestState): boolean => ALLOWED_TRANSITIONS[state].length === 0;
