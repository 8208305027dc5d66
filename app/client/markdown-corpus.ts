/**
 * Answers shaped like real model output (the mix of blocks that Claude- and GPT-style assistants
 * write), for the markdown tests: each is rendered whole and split at every chunk boundary.
 */
export const CORPUS: Record<string, string> = {
  english: `## How to stream a response from a Worker

Short answer: use a \`TransformStream\` and return its readable side **right away**, so the client sees bytes *before* the upstream finishes.

Here's a minimal example:
\`\`\`ts
export default {
  async fetch(request: Request): Promise<Response> {
    const { readable, writable } = new TransformStream()

    // Pump the upstream body without awaiting it.
    void pump(writable)
    return new Response(readable, { headers: { 'content-type': 'text/event-stream' } })
  },
}
\`\`\`
A few things to watch:

1. **Compression** buffers the stream. Set \`Content-Encoding: identity\`.
2. Heartbeats keep idle connections open:
   - send \`: ping\` every 15 s
   - stop them once the first token arrives
3. Cancel upstream work when the client leaves.

| Setting | Default | Recommended |
|:--------|:-------:|------------:|
| idle timeout | 30 s | 300 s |
| \`responseTransferMode\` | BUFFERED | STREAM |

> **Note:** API Gateway's edge-optimized endpoints cut idle streams after 30 seconds.
> Use a *regional* endpoint instead.

See the [Workers docs](https://developers.cloudflare.com/workers/) or mail <support@example.com> if you're stuck.

---

Hope this helps!
`,
  japanese: `# ストリーミングの仕組み

結論から言うと、**Lambda のレスポンスストリーミング**と API Gateway の \`STREAM\` モードを組み合わせます。

## 手順
1. Lambda を \`awslambda.streamifyResponse\` で包む
2. API Gateway の統合で \`responseTransferMode\` を \`STREAM\` にする
   1. タイムアウトは最大 15 分
   2. 最初の 10 MB は帯域制限なし
3. Worker 側で \`fetch\` して、そのまま返す

コード例です：
\`\`\`python
def handler(event, context):
    for chunk in agent.stream(event["prompt"]):

        yield chunk
\`\`\`

| 項目 | REST API | HTTP API |
| --- | --- | --- |
| ストリーミング | ○ | × |
| 最大時間 | 15 分 | 30 秒 |

> ヒント：エッジ最適化エンドポイントはアイドル 30 秒で切れます。
> リージョナルを使ってください。

詳しくは[公式ドキュメント](https://docs.aws.amazon.com/apigateway/)を参照してください。
`,
  adversarial: `Title with setext
=================

[docs]: https://example.com/docs "Docs"

Raw HTML stays text: <script>alert(1)</script> and <img src=x onerror="alert(2)">.

<div class="x">
block <b>html</b>
</div>

Links: [bad](javascript:alert(1)), [data](data:text/html,hi), [rel](/relative), [ok][docs], www.example.com and https://example.org/path?q=1.

![tracking pixel](https://example.com/pixel.png)

- [x] done task
- [ ] open task

* loose item one

* loose item two
  continued lazily

~~~sh
echo "tilde fence"
~~~

    indented code block

Text then a fence with a blank line inside:
\`\`\`\`md
\`\`\`
inner fence stays text

\`\`\`
\`\`\`\`
> quote with a list:
> - a
> - b
>
> > nested quote

Escapes: \\*not em\\*, \\<not html\\>, ~~struck~~, a_b_c, line with two spaces  
then a hard break.
Ends without a newline`,
  offline: `**Offline model** — you asked:

> Explain *streaming* in \`two\` lines

Earlier you asked: “hello” — this is turn 2 of our conversation.

This answer comes from the embedded offline model: it is deterministic and streams at a fixed pace, so the page, the tests and the benchmarks see the same thing every time.

- Your prompt has 5 words and 33 characters.
- Its longest word is “streaming”.
- Set \`AGENT_MODEL_ID\` to a Bedrock model id for real answers.

\`\`\`json
{
  "prompt": "Explain *streaming* in \`two\` lines",
  "turn": 2
}
\`\`\`

the edge proxy streams each token as it arrives so a reader sees the answer grow.
`,
}
