namespace AuditPortal.Cli;

/// <summary>Where commands write; injected so tests can capture it.</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error);
