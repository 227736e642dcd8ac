"use client";

export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui", textAlign: "center", padding: "6rem 1rem" }}>
        <h1>Something went wrong</h1>
        <p>The error was logged{error.digest ? ` (reference ${error.digest})` : ""}.</p>
        <a href="/">Home</a>
      </body>
    </html>
  );
}
