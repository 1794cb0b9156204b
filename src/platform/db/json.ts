import type { Prisma } from "../../generated/prisma/client";

/**
 * A plain-data value (records of strings, numbers, booleans, null, arrays) for a JSON column.
 * Prisma's input type rejects interfaces without an index signature, so the crossing is made
 * here, once, by name; reads parse the column back with the feature's zod schema.
 */
export function toJsonColumn(value: object): Prisma.InputJsonValue {
  return value as Prisma.InputJsonValue;
}
