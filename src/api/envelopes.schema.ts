import { z } from 'zod';

/** PVTLNK answers that many operations share: done, and done with a sentence saying what. */
export const successOnly = z.object({ success: z.literal(true) }).meta({ id: 'Success' });
export const successMessage = z.object({ success: z.literal(true), message: z.string() }).meta({ id: 'SuccessMessage' });
