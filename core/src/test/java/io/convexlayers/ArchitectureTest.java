// SPDX-License-Identifier: Apache-2.0
package io.convexlayers;

import io.convexlayers.testing.RepositoryFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The structure ARCHITECTURE.md promises, checked on the sources and the compiled module: packages
 * layered strictly downward along the pipeline (so no package or cross-package file cycle), the
 * module exporting exactly the packages the README lists, exported signatures free of internal
 * types, and the CLI, examples and benchmarks using exported API only.
 */
class ArchitectureTest {
    private static final String ROOT = "io.convexlayers";

    /**
     * The layers, bottom first. A package may import packages of lower layers only; packages of one
     * layer are independent of each other. A new package must be placed here (and in
     * ARCHITECTURE.md).
     */
    private static final List<List<String>> LAYERS = List.of(
            List.of(ROOT),
            List.of(ROOT + ".data"),
            List.of(ROOT + ".batch"),
            List.of(ROOT + ".cone"),
            List.of(ROOT + ".solver"),
            List.of(ROOT + ".solver.linsys", ROOT + ".solver.device"),
            List.of(ROOT + ".solver.hsde"),
            List.of(ROOT + ".solver.ipm"),
            List.of(ROOT + ".diff.residual"),
            List.of(ROOT + ".diff"),
            List.of(ROOT + ".diff.kernels"),
            List.of(ROOT + ".backend.cpu"),
            List.of(ROOT + ".backend.cuda"),
            List.of(ROOT + ".backend"),
            List.of(ROOT + ".io", ROOT + ".dsl"),
            List.of(ROOT + ".canon"),
            List.of(ROOT + ".layer"),
            List.of(ROOT + ".examples"),
            List.of(ROOT + ".cli"));

    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)\\s*;",
            Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\bio\\.convexlayers(?:\\.[a-z]\\w*)*\\.[A-Z]\\w*");

    private static Map<Path, SourceFile> mainSources;

    /** One source file: its package and the io.convexlayers packages it refers to, with the types. */
    private record SourceFile(Path path, String pkg, Map<String, Set<String>> uses) {
    }

    @BeforeAll
    static void readSources() throws IOException {
        mainSources = read(Path.of("src/main/java"));
    }

    private static Map<Path, SourceFile> read(Path dir) throws IOException {
        Map<Path, SourceFile> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String text = Files.readString(f);
                Matcher pm = PACKAGE.matcher(text);
                if (!pm.find()) {
                    continue; // module-info
                }
                String pkg = pm.group(1);
                Map<String, Set<String>> uses = new TreeMap<>();
                Matcher im = IMPORT.matcher(text);
                while (im.find()) {
                    record(im.group(1), pkg, uses);
                }
                // Fully qualified names in code and Javadoc links count too; plain comments and
                // {@code ...} mentions do not (they create no dependency).
                String code = withoutPlainComments(text).replaceAll("(?m)^import[^\\n]*", "");
                Matcher qm = QUALIFIED.matcher(code);
                while (qm.find()) {
                    record(qm.group(), pkg, uses);
                }
                out.put(f, new SourceFile(f, pkg, uses));
            }
        }
        return out;
    }

    /** Removes line comments, {@code ...} spans and string literals, keeping Javadoc links. */
    private static String withoutPlainComments(String text) {
        return text.replaceAll("\\{@code[^}]*}", "")
                .replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("//[^\\n]*", "");
    }

    private static void record(String name, String fromPkg, Map<String, Set<String>> uses) {
        if (!name.startsWith(ROOT + ".") && !name.equals(ROOT)) {
            return;
        }
        String[] parts = name.split("\\.");
        int type = 0;
        while (type < parts.length && !Character.isUpperCase(parts[type].charAt(0))) {
            type++;
        }
        if (type == parts.length) {
            return; // a package name only (e.g. in a package-info comment)
        }
        String pkg = String.join(".", Arrays.copyOf(parts, type));
        if (!pkg.equals(fromPkg)) {
            uses.computeIfAbsent(pkg, k -> new TreeSet<>()).add(parts[type]);
        }
    }

    private static int layerOf(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(pkg)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void everyPackageHasALayer() {
        Set<String> unplaced = mainSources.values().stream().map(SourceFile::pkg)
                .filter(p -> layerOf(p) < 0).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(unplaced.isEmpty(), "packages missing from ArchitectureTest.LAYERS: " + unplaced);
    }

    @Test
    void importsPointStrictlyDownward() {
        List<String> violations = new ArrayList<>();
        for (SourceFile f : mainSources.values()) {
            int from = layerOf(f.pkg());
            for (Map.Entry<String, Set<String>> use : f.uses().entrySet()) {
                int to = layerOf(use.getKey());
                if (to < 0 || to >= from) {
                    violations.add(f.path().getFileName() + " (" + f.pkg() + ") -> " + use.getKey() + " "
                            + use.getValue());
                }
            }
        }
        assertTrue(violations.isEmpty(), "upward or sideways imports:\n" + String.join("\n", violations));
    }

    @Test
    void thePackageGraphHasNoCycle() {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (SourceFile f : mainSources.values()) {
            graph.computeIfAbsent(f.pkg(), k -> new TreeSet<>()).addAll(f.uses().keySet());
        }
        // Depth-first search for a back edge (independent of the layer list above).
        Map<String, Integer> state = new HashMap<>();
        for (String p : graph.keySet()) {
            List<String> cycle = findCycle(p, graph, state, new ArrayList<>());
            if (cycle != null) {
                fail("package cycle: " + String.join(" -> ", cycle));
            }
        }
    }

    private static List<String> findCycle(String p, Map<String, Set<String>> graph, Map<String, Integer> state,
                                          List<String> path) {
        Integer s = state.get(p);
        if (s != null && s == 2) {
            return null;
        }
        path.add(p);
        if (s != null && s == 1) {
            return new ArrayList<>(path.subList(path.indexOf(p), path.size()));
        }
        state.put(p, 1);
        for (String q : graph.getOrDefault(p, Set.of())) {
            List<String> c = findCycle(q, graph, state, path);
            if (c != null) {
                return c;
            }
        }
        state.put(p, 2);
        path.remove(path.size() - 1);
        return null;
    }

    @Test
    void theModuleExportsExactlyTheReadmesPublicPackages() throws IOException {
        ModuleDescriptor module = compiledModule();
        assertEquals(ROOT, module.name());
        Set<String> exported = module.exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(readmePublicPackages(), exported,
                "README.md's list of public packages must equal module-info's exports");
    }

    @Test
    void exportedSignaturesUseNoInternalType() throws Exception {
        Set<String> exported = compiledModule().exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
        List<String> violations = new ArrayList<>();
        for (SourceFile f : mainSources.values()) {
            if (!exported.contains(f.pkg())) {
                continue;
            }
            String name = f.path().getFileName().toString().replace(".java", "");
            if (name.equals("package-info")) {
                continue;
            }
            Class<?> c = Class.forName(f.pkg() + "." + name);
            checkApi(c, exported, violations);
        }
        assertTrue(violations.isEmpty(), "internal types in exported signatures:\n" + String.join("\n", violations));
    }

    private static void checkApi(Class<?> c, Set<String> exported, List<String> violations) {
        if (!Modifier.isPublic(c.getModifiers())) {
            return;
        }
        List<Type> types = new ArrayList<>();
        if (c.getGenericSuperclass() != null) {
            types.add(c.getGenericSuperclass());
        }
        types.addAll(Arrays.asList(c.getGenericInterfaces()));
        for (Field fld : c.getDeclaredFields()) {
            if (visible(fld.getModifiers())) {
                types.add(fld.getGenericType());
            }
        }
        List<Executable> members = new ArrayList<>(Arrays.asList(c.getDeclaredMethods()));
        members.addAll(Arrays.asList(c.getDeclaredConstructors()));
        for (Executable e : members) {
            if (!visible(e.getModifiers()) || e.isSynthetic()
                    || (e instanceof Constructor<?> && Modifier.isAbstract(c.getModifiers()) && c.isInterface())) {
                continue;
            }
            types.addAll(Arrays.asList(e.getGenericParameterTypes()));
            types.addAll(Arrays.asList(e.getGenericExceptionTypes()));
            if (e instanceof Method m) {
                types.add(m.getGenericReturnType());
            }
        }
        for (Type t : types) {
            for (Class<?> used : classesIn(t)) {
                String pkg = used.getPackageName();
                if (pkg.startsWith(ROOT) && !exported.contains(pkg)) {
                    violations.add(c.getName() + " exposes " + used.getName());
                }
            }
        }
        for (Class<?> inner : c.getDeclaredClasses()) {
            checkApi(inner, exported, violations);
        }
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static List<Class<?>> classesIn(Type t) {
        List<Class<?>> out = new ArrayList<>();
        if (t instanceof Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            out.add(c);
        } else if (t instanceof ParameterizedType p) {
            out.addAll(classesIn(p.getRawType()));
            for (Type a : p.getActualTypeArguments()) {
                out.addAll(classesIn(a));
            }
        }
        return out;
    }

    @Test
    void cliExamplesBenchmarksAndAdaptersUseExportedApiOnly() throws IOException {
        Set<String> exported = compiledModule().exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
        Map<Path, SourceFile> clients = new LinkedHashMap<>();
        for (SourceFile f : mainSources.values()) {
            if (f.pkg().equals(ROOT + ".cli") || f.pkg().equals(ROOT + ".examples")) {
                clients.put(f.path(), f);
            }
        }
        // the other modules of the build are clients too: the benchmarks and the DJL and Spark adapters
        for (String module : List.of("benchmarks", "djl", "spark")) {
            Path sources = RepositoryFiles.at(module + "/src/main/java");
            assertTrue(Files.isDirectory(sources), module + "/ is part of the repository");
            clients.putAll(read(sources));
        }
        List<String> violations = new ArrayList<>();
        for (SourceFile f : clients.values()) {
            for (Map.Entry<String, Set<String>> use : f.uses().entrySet()) {
                String pkg = use.getKey();
                boolean allowed = exported.contains(pkg)
                        // the CLI's demo command runs an example; both are applications of the API
                        || (f.pkg().equals(ROOT + ".cli") && pkg.equals(ROOT + ".examples"))
                        // an adapter module's own packages (io.convexlayers.djl.examples -> .djl)
                        || ownModule(f.pkg(), pkg);
                if (!allowed) {
                    violations.add(f.path() + " -> " + pkg + " " + use.getValue());
                }
            }
        }
        assertTrue(violations.isEmpty(), "uses of internal packages:\n" + String.join("\n", violations));
    }

    /** True when both packages belong to the same adapter module (io.convexlayers.djl…, io.convexlayers.spark…). */
    private static boolean ownModule(String from, String to) {
        for (String adapter : List.of(ROOT + ".djl", ROOT + ".spark")) {
            if ((from.equals(adapter) || from.startsWith(adapter + "."))
                    && (to.equals(adapter) || to.startsWith(adapter + "."))) {
                return true;
            }
        }
        return false;
    }

        private static ModuleDescriptor compiledModule() throws IOException {
        // Read from the build's output: on the test class path "/module-info.class" may resolve to
        // another jar's descriptor.
        Path compiled = Path.of("target/classes/module-info.class");
        assertTrue(Files.isRegularFile(compiled), "module-info.class is compiled into the main classes");
        try (InputStream in = Files.newInputStream(compiled)) {
            return ModuleDescriptor.read(in);
        }
    }

    /** The package names listed (as `io.convexlayers...` items) under README's "## Module" heading. */
    private static Set<String> readmePublicPackages() throws IOException {
        String readme = Files.readString(RepositoryFiles.at("README.md"));
        int start = readme.indexOf("\n## Module");
        assertTrue(start >= 0, "README.md has a '## Module' section");
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\|\\s*`(io\\.convexlayers[\\w.]*)`").matcher(section);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
