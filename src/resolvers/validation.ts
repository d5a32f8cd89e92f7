import { z } from 'zod';
import { ValidationError } from './errors.js';

export const MAX_NAME_LENGTH = 100;
export const MAX_URL_LENGTH = 2048;
export const MAX_SECRET_LENGTH = 16 * 1024;
export const MAX_TEXT_LENGTH = 255;

export const nameSchema = z.string().trim().min(1, 'must not be empty').max(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`);

export const textSchema = z.string().trim().min(1, 'must not be empty').max(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`);

export const emailSchema = z.string().trim().toLowerCase().max(254, 'must be at most 254 characters').email('must be an email address');

/** Absolute http(s) URL without credentials, stored without a trailing slash. */
export const httpUrlSchema = z
  .string()
  .trim()
  .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be an absolute URL' });
      return z.NEVER;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must use http or https' });
      return z.NEVER;
    }
    if (url.username || url.password) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must not contain credentials' });
      return z.NEVER;
    }
    if (url.search || url.hash) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must not contain a query or fragment' });
      return z.NEVER;
    }
    return url.toString().replace(/\/+$/, '');
  });

export const secretSchema = z.string().min(1, 'must not be empty').max(MAX_SECRET_LENGTH, `must be at most ${MAX_SECRET_LENGTH} characters`);

/** Parses with zod and turns the first issue into a ValidationError naming the field. Messages never echo the value. */
export function parseInput<T extends z.ZodTypeAny>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.') || 'input';
  throw new ValidationError(field, `${field} ${issue.message}`);
}
