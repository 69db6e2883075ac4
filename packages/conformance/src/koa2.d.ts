// `koa2` is Koa 2 installed under another name; as these tests use it, its API is the one
// @types/koa describes for Koa 3 (the same application and context surface).
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
