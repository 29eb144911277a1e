import { z } from "zod";

/** ARM `Microsoft.MachineLearning/webServices` list (extra fields tolerated). */
export const webServiceList = z.looseObject({
  value: z.array(
    z.looseObject({
      id: z.string().min(1),
      name: z.string().min(1),
      properties: z.looseObject({
        title: z.string().optional(),
        description: z.string().optional(),
        createdOn: z.string().optional(),
        swaggerLocation: z.string().optional(),
      }),
    }),
  ),
  nextLink: z.string().optional(),
});

/** ARM `listKeys` of a web service. */
export const webServiceKeys = z.looseObject({ primary: z.string().min(1), secondary: z.string().optional() });

/** The request-response `execute` answer: swagger form (a list of records) or classic form (a table). */
export const executeResponse = z.looseObject({
  Results: z.record(
    z.string(),
    z.union([
      z.array(z.record(z.string(), z.unknown())),
      z.looseObject({ value: z.looseObject({ ColumnNames: z.array(z.string()), Values: z.array(z.array(z.unknown())) }) }),
    ]),
  ),
});
