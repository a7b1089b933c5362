// Public API of the runbook site generator.
export {};
