/**
 * The few framework types the recipes use, for Next.js, SvelteKit and React Router, whose packages
 * are too large (or pull in React, Svelte and Vite) to install for a type check. Each is the
 * framework's published signature, cut down to what the recipe touches.
 */
declare module 'next/server' {
  export class NextRequest extends Request {
    readonly nextUrl: URL;
  }
  export class NextResponse extends Response {
    static next(init?: { headers?: HeadersInit }): NextResponse;
  }
}

declare module '@sveltejs/kit' {
  export interface RequestEvent {
    request: Request;
    url: URL;
  }
  export type Handle = (input: {
    event: RequestEvent;
    resolve: (event: RequestEvent) => Promise<Response>;
  }) => Response | Promise<Response>;
}

declare module 'react-router' {
  export interface LoaderFunctionArgs {
    request: Request;
    params: Record<string, string | undefined>;
    context: unknown;
  }
  export type ActionFunctionArgs = LoaderFunctionArgs;
}
