import { z } from 'zod';
import { policyGlobProblem } from '../domain/glob.js';

/** An environment glob in the policy file: checked at load, so a glob too big to expand stops the start. */
export const policyGlob = z
  .string()
  .min(1, { message: 'an environment glob cannot be empty; use "*" for every environment' })
  .superRefine((glob, ctx) => {
    const problem = policyGlobProblem(glob);
    if (problem) ctx.addIssue({ code: 'custom', input: glob, message: problem });
  });
