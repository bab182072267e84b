// Placeholder replaced by the checklist implementation (issue 5).
