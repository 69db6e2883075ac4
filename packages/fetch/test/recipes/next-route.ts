// app/api/items/[id]/route.ts: the route context (params) reaches the handler unchanged.
import { withCors } from '@cors/fetch';

const options = { origin: ['https://app.example.com'], methods: ['GET', 'PUT'] };

export const GET = withCors(
  async (_request: Request, context: { params: Promise<{ id: string }> }) =>
    Response.json({ id: (await context.params).id }),
  options,
);
export const PUT = withCors(
  async (request: Request) => Response.json(await request.json()),
  options,
);
// Next.js answers OPTIONS itself unless the route exports it: export one, so preflights are decided.
export const OPTIONS = GET;
