using Microsoft.Extensions.Logging;

namespace Devp2p.Cli.Logging;

/// <summary>One category's logger of <see cref="ConsoleLoggerFactory"/>; scopes are not shown.</summary>
internal sealed class ConsoleLogger(ConsoleLoggerFactory factory, string category) : ILogger
{
    /// <inheritdoc/>
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc/>
    public bool IsEnabled(LogLevel logLevel) => factory.IsEnabled(logLevel);

    /// <inheritdoc/>
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (factory.IsEnabled(logLevel))
        {
            factory.Write(logLevel, category, formatter(state, exception), exception);
        }
    }
}
