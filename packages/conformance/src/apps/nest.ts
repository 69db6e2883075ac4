import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  All,
  Controller,
  Delete,
  Get,
  Header,
  Headers,
  HttpCode,
  Module,
  Post,
  Put,
  Req,
  Res,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Cors, CorsModule } from '@cors/nestjs';
import type { CorsOptions } from '@cors/core';
import { cookieValue, countRequests } from './server.js';
import { BoomError, DEFAULT_STRICT, tenantPolicy, type AdapterApp } from './types.js';

interface HeaderSetter {
  header(name: string, value: string): unknown;
}

function appModule(name: string, policy: CorsOptions, strict: CorsOptions): Type<unknown> {
  @Controller()
  class ApiController {
    @All('vector')
    @HttpCode(200)
    vector() {
      return 'route';
    }

    @Get('api/hello')
    hello() {
      return { adapter: name, message: 'hello' };
    }

    @Post('api/login')
    @HttpCode(204)
    login(@Res({ passthrough: true }) res: HeaderSetter) {
      res.header('set-cookie', `session=${name}; Path=/; SameSite=Lax`);
    }

    @Get('api/me')
    me(@Headers('cookie') cookie: string | undefined) {
      return { session: cookieValue(cookie, 'session') };
    }

    @Put('api/items/42')
    put(@Req() req: { method: string }, @Headers('x-custom') custom: string | undefined) {
      return { method: req.method, custom: custom ?? null };
    }

    @Delete('api/items/42')
    remove(@Req() req: { method: string }, @Headers('x-custom') custom: string | undefined) {
      return { method: req.method, custom: custom ?? null };
    }

    @Get('api/exposed')
    @Header('X-Request-Id', '42')
    @Header('X-Hidden', 'secret')
    exposed() {
      return { ok: true };
    }

    @Get('api/boom')
    boom() {
      throw new BoomError();
    }

    @Cors(false)
    @Put('off')
    @HttpCode(200)
    off() {
      return 'off';
    }

    @Get('vary')
    @Header('Vary', 'Accept-Encoding')
    vary() {
      return 'vary';
    }
  }

  const tenant = tenantPolicy();
  @Cors((req) => tenant(req.headers.host))
  @Controller('tenant')
  class TenantController {
    @Get()
    get() {
      return 'tenant';
    }

    @Put()
    put() {
      return 'tenant';
    }
  }

  @Cors(strict)
  @Controller('strict')
  class StrictController {
    @Get('hello')
    hello() {
      return { adapter: name, message: 'hello' };
    }

    @Put('hello')
    put() {
      return { adapter: name, message: 'hello' };
    }

    @Get('boom')
    boom() {
      throw new BoomError();
    }
  }

  @Module({
    imports: [CorsModule.forRoot(policy)],
    controllers: [ApiController, StrictController, TenantController],
  })
  class AppModule {}
  return AppModule;
}

function nestApp(name: string, adapter: () => ExpressAdapter | FastifyAdapter): AdapterApp {
  return {
    name,
    async start({ policy, strict = DEFAULT_STRICT }) {
      const app = await NestFactory.create(appModule(name, policy, strict), adapter(), {
        logger: false,
        abortOnError: false,
      });
      const server = app.getHttpServer() as Server;
      const requests = countRequests(server);
      await app.listen(0, '127.0.0.1');
      const port = (server.address() as AddressInfo).port;
      return { url: `http://127.0.0.1:${port}`, port, requests, close: () => app.close() };
    },
  };
}

export const nestExpressApp = nestApp('nest-express', () => new ExpressAdapter());
export const nestFastifyApp = nestApp('nest-fastify', () => new FastifyAdapter());
