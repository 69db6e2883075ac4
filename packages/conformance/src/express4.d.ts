// `express4` is Express 4 installed under another name; its API, as these tests use it, is the
// one @types/express describes.
declare module 'express4' {
  import express from 'express';
  export default express;
}
