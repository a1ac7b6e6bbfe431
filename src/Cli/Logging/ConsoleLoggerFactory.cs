using Microsoft.Extensions.Logging;

namespace Devp2p.Cli.Logging;

/// <summary>
/// A small logger factory that writes one line per entry to standard error:
/// <c>HH:mm:ss.fff LEVEL category: message</c>. The tool uses it instead of
/// Microsoft.Extensions.Logging.Console to keep its dependencies to what the engine already brings.
/// </summary>
internal sealed class ConsoleLoggerFactory : ILoggerFactory
{
    private readonly object _writeLock = new();
    private readonly TextWriter _output;

    /// <summary>Creates the factory.</summary>
    /// <param name="minimum">The lowest level written.</param>
    /// <param name="output">Where lines go; standard error when null.</param>
    public ConsoleLoggerFactory(LogLevel minimum, TextWriter? output = null)
    {
        Minimum = minimum;
        _output = output ?? Console.Error;
    }

    /// <summary>The lowest level written.</summary>
    public LogLevel Minimum { get; }

    /// <summary>
    /// Maps geth's <c>--verbosity</c> (0 silent, 1 error, 2 warn, 3 info, 4 debug, 5 trace) to a level.
    /// </summary>
    public static LogLevel FromVerbosity(int verbosity) => verbosity switch
    {
        <= 0 => LogLevel.None,
        1 => LogLevel.Error,
        2 => LogLevel.Warning,
        3 => LogLevel.Information,
        4 => LogLevel.Debug,
        _ => LogLevel.Trace,
    };

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new ConsoleLogger(this, ShortCategory(categoryName));

    /// <inheritdoc/>
    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("This factory writes to the console only.");

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    internal bool IsEnabled(LogLevel level) => level != LogLevel.None && level >= Minimum;

    internal void Write(LogLevel level, string category, string message, Exception? exception)
    {
        string line = $"{DateTime.Now:HH:mm:ss.fff} {LevelText(level)} {category}: {message}";
        if (exception is not null)
        {
            line += Minimum <= LogLevel.Debug ? Environment.NewLine + exception : " (" + exception.Message + ")";
        }

        lock (_writeLock)
        {
            _output.WriteLine(line);
        }
    }

    private static string ShortCategory(string category) =>
        category.StartsWith("Devp2p.", StringComparison.Ordinal) ? category["Devp2p.".Length..] : category;

    private static string LevelText(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO ",
        LogLevel.Warning => "WARN ",
        LogLevel.Error => "ERROR",
        _ => "CRIT ",
    };
}
