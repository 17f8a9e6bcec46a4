// Vite's `?raw` import (the README test reads the README without Node APIs, so it runs in happy-dom too).
declare module '*?raw' {
  const text: string;
  export default text;
}
