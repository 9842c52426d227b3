# The notes of one release: the body of CHANGELOG.md's `## [<version>]` section, without its heading.
# Used by .github/workflows/release.yml: awk -v version=1.2.3 -f .github/release-notes.awk CHANGELOG.md
/^## \[/ {
  if (found) exit
  found = index($0, "## [" version "]") == 1
  next
}
found { print }
