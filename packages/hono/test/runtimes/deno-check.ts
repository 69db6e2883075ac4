/** Type-checked by `deno check` against Deno's own lib: the built package's types as a Deno user sees them. */
import { Hono } from 'hono';
import { cors } from '@cors/hono';

type AppEnv = { Variables: { tenant: string } };
const app = new Hono<AppEnv>();
app.use(
  cors<AppEnv>({
    origin: ['https://app.example.com'],
    onDecision: (decision, c) => console.log(decision.reason, c.get('tenant')),
  }),
);
app.get('/', (c) => c.text('ok'));
export default app;
