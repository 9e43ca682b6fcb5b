// A small static file server for the built playground (node:http, no dependencies). It listens on
// 127.0.0.1 only and sends Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy:
// require-corp, so pages are cross-origin isolated and SharedArrayBuffer works. The web tests use
// it too. Run directly, it builds the site first:
//
//   node --import tsx scripts/serve-web.ts [--port 8080] [--no-build] [DIR]
import { createServer, type Server } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { buildWeb, DEFAULT_WEB_OUT } from "./build-web.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
};

const ISOLATION = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "no-cache",
};

export interface StaticServer {
  /** "http://127.0.0.1:PORT/" */
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves the files under `root` on 127.0.0.1 (port 0: a free one chosen by the system). */
export function serveStatic(root: string, port = 0): Promise<StaticServer> {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const send = (status: number, body: string | Buffer, type = "text/plain; charset=utf-8") => {
      res.writeHead(status, {
        ...ISOLATION,
        "Content-Type": type,
        "Content-Length": Buffer.byteLength(body),
      });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "only GET and HEAD\n");
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    } catch {
      return send(400, "bad path\n");
    }
    let file = resolve(base, "." + path);
    if (file !== base && !file.startsWith(base + sep)) return send(403, "outside the site\n");
    void (async () => {
      try {
        if ((await stat(file)).isDirectory()) file = join(file, "index.html");
        const body = await readFile(file);
        send(200, body, TYPES[extname(file)] ?? "application/octet-stream");
      } catch {
        send(404, `not found: ${path}\n`);
      }
    })();
  });
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      resolvePromise({
        url: `http://127.0.0.1:${actual}/`,
        server,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const portAt = args.indexOf("--port");
  const port = portAt >= 0 ? Number(args[portAt + 1]) : Number(process.env.PORT ?? 8080);
  const positional = args.filter((a, i) => !a.startsWith("--") && !(portAt >= 0 && i === portAt + 1));
  const dir = resolve(positional[0] ?? DEFAULT_WEB_OUT);
  if (!args.includes("--no-build")) await buildWeb(dir);
  const { url } = await serveStatic(dir, port);
  console.log(`nabla playground: ${url} (serving ${dir}; Ctrl-C to stop)`);
}
