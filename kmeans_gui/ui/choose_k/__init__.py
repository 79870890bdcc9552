"""The Choose k tab: a sweep over k with elbow, quality charts and a silhouette plot."""
