// Golden renders Portico's VTL conformance corpus with the real Apache
// Velocity 1.7 and writes one output file per case. It is compiled and run by
// golden.sh; no compiled class is committed.
//
// Corpus format (one or more *.txt files in the corpus directory): sections
// start with a line "-- NAME.vm --" (the template) or "-- NAME.json --" (the
// variables, a JSON object; optional: default the file's "-- _.json --"
// section, else {}). A section's content is
// every line up to the next section line, each line keeping its newline.
// Output: OUT/<file base>/<NAME>.golden holding the rendered bytes (UTF-8), or
// the single line "<<error>>" when Velocity throws.
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;

public class Golden {
  public static void main(String[] args) throws Exception {
    Path corpus = Paths.get(args[0]);
    Path out = Paths.get(args[1]);
    VelocityEngine ve = new VelocityEngine();
    ve.setProperty("runtime.log.logsystem.class", "org.apache.velocity.runtime.log.NullLogChute");
    ve.setProperty("directive.foreach.maxloops", "1000");
    // Macros defined by one case must not leak into the next.
    ve.setProperty("velocimacro.permissions.allow.inline.local.scope", "true");
    ve.init();
    File[] files = corpus.toFile().listFiles((d, n) -> n.endsWith(".txt"));
    Arrays.sort(files);
    int n = 0;
    for (File f : files) {
      String base = f.getName().substring(0, f.getName().length() - 4);
      Map<String, String> sections = parseSections(new String(Files.readAllBytes(f.toPath()), StandardCharsets.UTF_8));
      Path dir = out.resolve(base);
      Files.createDirectories(dir);
      for (Map.Entry<String, String> e : sections.entrySet()) {
        if (!e.getKey().endsWith(".vm")) continue;
        String name = e.getKey().substring(0, e.getKey().length() - 3);
        String vars = sections.getOrDefault(name + ".json", sections.getOrDefault("_.json", "{}"));
        VelocityContext ctx = new VelocityContext();
        Map<String, Object> m = (Map<String, Object>) new Json(vars).value();
        for (Map.Entry<String, Object> v : m.entrySet()) {
          if (v.getValue() != null) ctx.put(v.getKey(), v.getValue());
        }
        String result;
        try {
          StringWriter w = new StringWriter();
          ve.evaluate(ctx, w, name, e.getValue());
          result = w.toString();
        } catch (Exception ex) {
          result = "<<error>>\n";
        }
        Files.write(dir.resolve(name + ".golden"), result.getBytes(StandardCharsets.UTF_8));
        n++;
      }
    }
    System.err.println("rendered " + n + " cases");
  }

  static Map<String, String> parseSections(String s) {
    Map<String, String> m = new LinkedHashMap<>();
    String name = null;
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      int j = s.indexOf('\n', i);
      String line = j < 0 ? s.substring(i) : s.substring(i, j + 1);
      i = j < 0 ? s.length() : j + 1;
      String t = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
      if (t.startsWith("-- ") && t.endsWith(" --") && t.length() > 6) {
        if (name != null) m.put(name, b.toString());
        name = t.substring(3, t.length() - 3);
        b.setLength(0);
        continue;
      }
      if (name != null) b.append(line);
    }
    if (name != null) m.put(name, b.toString());
    return m;
  }

  // Json is a minimal JSON reader producing LinkedHashMap, ArrayList,
  // Integer/Long (integral numbers), Double, String, Boolean and null.
  static final class Json {
    final String s;
    int p;

    Json(String s) { this.s = s; }

    Object value() {
      ws();
      char c = s.charAt(p);
      if (c == '{') {
        p++;
        Map<String, Object> m = new LinkedHashMap<>();
        ws();
        if (s.charAt(p) == '}') { p++; return m; }
        while (true) {
          ws();
          String k = str();
          ws(); p++; // ':'
          m.put(k, value());
          ws();
          if (s.charAt(p++) == '}') return m;
        }
      }
      if (c == '[') {
        p++;
        List<Object> l = new ArrayList<>();
        ws();
        if (s.charAt(p) == ']') { p++; return l; }
        while (true) {
          l.add(value());
          ws();
          if (s.charAt(p++) == ']') return l;
        }
      }
      if (c == '"') return str();
      if (s.startsWith("true", p)) { p += 4; return Boolean.TRUE; }
      if (s.startsWith("false", p)) { p += 5; return Boolean.FALSE; }
      if (s.startsWith("null", p)) { p += 4; return null; }
      int st = p;
      while (p < s.length() && "+-0123456789.eE".indexOf(s.charAt(p)) >= 0) p++;
      String num = s.substring(st, p);
      if (num.contains(".") || num.contains("e") || num.contains("E")) return Double.valueOf(num);
      long l = Long.parseLong(num);
      if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) return Integer.valueOf((int) l);
      return Long.valueOf(l);
    }

    String str() {
      p++; // opening quote
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = s.charAt(p++);
        if (c == '"') return b.toString();
        if (c != '\\') { b.append(c); continue; }
        char e = s.charAt(p++);
        switch (e) {
          case 'n': b.append('\n'); break;
          case 't': b.append('\t'); break;
          case 'r': b.append('\r'); break;
          case 'b': b.append('\b'); break;
          case 'f': b.append('\f'); break;
          case 'u': b.append((char) Integer.parseInt(s.substring(p, p + 4), 16)); p += 4; break;
          default: b.append(e);
        }
      }
    }

    void ws() {
      while (p < s.length() && Character.isWhitespace(s.charAt(p))) p++;
    }
  }
}
