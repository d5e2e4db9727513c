using System.CommandLine;
using System.Globalization;
using Learn2PD.Serve;

namespace Learn2PD.Cli.Commands;

/// <summary>`l2pd serve`: the OpenAI-compatible server (Learn2PD.Serve) on a model, until Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var runtime = new RuntimeOptions();
        var defaults = new ServeOptions();
        var filter = new Option<string?>("--filter") { Description = "Learn2PD filter (.safetensors or the authors' .pth); default: filter.safetensors in the model directory, if any. With a filter requests default to l2p+eotp, without to threshold+eotp" };
        var host = new Option<string>("--host") { Description = "Address to listen on: an IP address or localhost (0.0.0.0 opens the server to the network)", DefaultValueFactory = _ => defaults.Host };
        var port = new Option<int>("--port") { Description = "TCP port (0: any free port)", DefaultValueFactory = _ => defaults.Port };
        var maxBatch = new Option<int>("--max-batch-size") { Description = "Requests decoded together in one batch at most", DefaultValueFactory = _ => defaults.MaxBatchSize };
        var maxQueue = new Option<int>("--max-queue") { Description = "Requests waiting for the decoder at most; more get HTTP 429", DefaultValueFactory = _ => defaults.MaxQueue };
        var maxTokens = new Option<int>("--max-tokens-limit") { Description = "The largest max_tokens a request may ask for", DefaultValueFactory = _ => defaults.MaxTokensLimit };
        var maxPrompt = new Option<int>("--max-prompt-tokens") { Description = "The longest prompt in tokens (after the chat template)", DefaultValueFactory = _ => defaults.MaxPromptTokens };

        var command = new Command("serve", "Serve the model over an OpenAI-compatible HTTP API (/v1/completions, /v1/chat/completions, streaming, dynamic batching, /metrics)")
        {
            filter, host, port, maxBatch, maxQueue, maxTokens, maxPrompt,
        };
        model.AddTo(command);
        runtime.AddTo(command);
        CommandAction.Set(command, (parse, io) =>
        {
            var options = new ServeOptions
            {
                Host = parse.GetValue(host)!,
                Port = parse.GetValue(port),
                MaxBatchSize = parse.GetValue(maxBatch),
                MaxQueue = parse.GetValue(maxQueue),
                MaxTokensLimit = parse.GetValue(maxTokens),
                MaxPromptTokens = parse.GetValue(maxPrompt),
            }.Validate();
            var (device, dtype) = runtime.Apply(parse);
            using var served = ServedModel.Load(model.CheckedDirectory(parse), parse.GetValue(filter), device, dtype,
                model.IsEmbedded(parse) ? EmbeddedModel.FrameQuestion : null);
            var server = ServeHost.Create(served, options);
            try
            {
                server.StartAsync().GetAwaiter().GetResult();
                string tau = served.Filter is { } f ? string.Create(CultureInfo.InvariantCulture, $" (τ_f {f.AcceptThreshold})") : "";
                io.Out.WriteLine($"l2pd serve: {served.Id}, default method {served.DefaultMethod.Name}{tau}, batches of up to {options.MaxBatchSize}, queue {options.MaxQueue}");
                io.Out.WriteLine($"listening on {string.Join(", ", server.Urls)} (Ctrl+C stops)");
                io.Out.Flush();
                server.WaitForShutdownAsync().GetAwaiter().GetResult();
                io.Out.WriteLine("stopped");
                return 0;
            }
            finally
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        });
        return command;
    }
}
