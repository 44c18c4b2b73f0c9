import { validate, validateDetailed } from 'node-cron';

const RANGES: Record<string, string> = {
  second: 'second (0-59)',
  minute: 'minute (0-59)',
  hour: 'hour (0-23)',
  dayOfMonth: 'day of the month (1-31)',
  month: 'month (1-12 or jan-dec)',
  dayOfWeek: 'day of the week (0-7 or sun-sat)',
};
const EXAMPLE = 'e.g. "0 9 * * mon-fri"';

/** Whether node-cron runs the expression, and if not why, naming the field that is out of range. */
export function cronProblem(expression: string): string | null {
  if (validate(expression)) return null;
  const result = validateDetailed(expression);
  const [first] = result.errors;
  if (!first || first.field === 'expression') {
    const fields = expression.trim().split(/\s+/).filter(Boolean).length;
    return `not a cron expression: it has ${fields} field(s); five are expected (minute hour day-of-month month day-of-week), ${EXAMPLE}`;
  }
  const fields = result.errors.map((error) => `${JSON.stringify(error.value ?? '')} is not a valid ${RANGES[error.field] ?? error.field}`);
  return `not a valid cron expression: ${fields.join('; ')}; ${EXAMPLE}`;
}
