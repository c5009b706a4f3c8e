/** The gradient rules Gradient knows, by op type of the default domain. */
import { elementwiseRules } from './elementwise.js';
import { linearRules } from './linear.js';
import { reduceRules } from './reduce.js';
import type { VjpRule } from './rule.js';
import { shapeRules } from './shape.js';

export type { VjpArgs, VjpRule } from './rule.js';

export const vjpRules: ReadonlyMap<string, VjpRule> = new Map(Object.entries({
  ...elementwiseRules, ...linearRules, ...reduceRules, ...shapeRules,
}));
