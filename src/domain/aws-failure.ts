/**
 * What kind of failure an AWS error is, for code that acts on the kind (the message it shows, a CloudTrail
 * record's flag). The aws boundary decides it once, from the error's name (src/aws/errors.ts holds the one
 * table); nothing else reads AWS error names or messages to find out.
 */
export type AwsFailureCode = 'denied' | 'gone' | 'throttled' | 'timed-out' | 'invalid' | 'unknown';
