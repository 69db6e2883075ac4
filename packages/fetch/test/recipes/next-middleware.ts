// middleware.ts (the edge runtime): CORS for every route under /api, pages included.
import { NextResponse, type NextRequest } from 'next/server';
import { createCorsPolicy } from '@cors/core';
import { applyCors, corsPreflight } from '@cors/fetch';

const policy = createCorsPolicy({ origin: ['https://app.example.com'], credentials: true });

export function middleware(request: NextRequest): Response {
  // Headers set on NextResponse.next() are copied onto the route's response by Next.js.
  return corsPreflight(request, policy) ?? applyCors(request, NextResponse.next(), policy);
}

export const config = { matcher: '/api/:path*' };
