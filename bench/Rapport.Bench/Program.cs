using Rapport.Bench;

// Scenarios with their own options, by name; BenchApp runs the rest.
if (args is ["import", .. var importArgs]) { return await ImportScenario.RunAsync(importArgs); }
if (args is ["ingest", .. var ingestArgs]) { return await IngestScenario.RunAsync(ingestArgs); }
if (args is ["analytics", .. var analyticsArgs]) { return AnalyticsScenario.Run(analyticsArgs); }
if (args is ["recompute", .. var recomputeArgs]) { return await RecomputeScenario.RunAsync(recomputeArgs); }
if (args is ["models", .. var modelsArgs]) { return ModelsScenario.Run(modelsArgs); }
if (args is ["themes", .. var themesArgs]) { return ThemesScenario.Run(themesArgs); }
if (args is ["valuemap", .. var valueMapArgs]) { return await ValueMapScenario.RunAsync(valueMapArgs); }
if (args is ["profiles", .. var profilesArgs]) { return await ProfilesScenario.RunAsync(profilesArgs); }
if (args is ["research", .. var researchArgs]) { return await ResearchScenario.RunAsync(researchArgs); }
if (args is ["stages", .. var stagesArgs]) { return await StagesScenario.RunAsync(stagesArgs); }
if (args is ["customerlist", .. var listArgs]) { return await CustomerListScenario.RunAsync(listArgs); }
if (args is ["segments", .. var segmentsArgs]) { return await SegmentsScenario.RunAsync(segmentsArgs); }
if (args is ["consent", .. var consentArgs]) { return await ConsentScenario.RunAsync(consentArgs); }
if (args is ["erasure", .. var erasureArgs]) { return await ErasureScenario.RunAsync(erasureArgs); }
if (args is ["audit", .. var auditArgs]) { return await AuditScenario.RunAsync(auditArgs); }

return args is ["duplicates", .. var rest] ? await DuplicatesScenario.RunAsync(rest) : await BenchApp.RunAsync(args);
