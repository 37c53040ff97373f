/** Unified diffs as `git diff` prints them, for tests. */
export const HELLO_DIFF = `diff --git a/hello.ts b/hello.ts
new file mode 100644
index 0000000..e69de29
--- /dev/null
+++ b/hello.ts
@@ -0,0 +1,2 @@
+export const hello = 'world';
+console.log(hello);
diff --git a/README.md b/README.md
index 1111111..2222222 100644
--- a/README.md
+++ b/README.md
@@ -1,2 +1,2 @@
 # demo
-old line
+new line
`;

export const OTHER_DIFF = `diff --git a/README.md b/README.md
index 1111111..3333333 100644
--- a/README.md
+++ b/README.md
@@ -1,2 +1,2 @@
 # demo
-old line
+new line
diff --git a/notes.txt b/notes.txt
deleted file mode 100644
index 4444444..0000000
--- a/notes.txt
+++ /dev/null
@@ -1 +0,0 @@
-gone
`;
