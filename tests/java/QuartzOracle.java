// Answers questions about Quartz's org.quartz.CronExpression, one per line, in one JVM.
//
// Input lines (fields separated by one tab; the expression is hex of its UTF-8 bytes, so
// tabs, spaces and any character travel unchanged):
//   P <hex>                          -> OK | ERR <message>
//   N <hex> <zone> <millis> <count>  -> OK <millis>... (fewer when Quartz returns null)
//                                       | ERR <message> | EXC <exception> | TIMEOUT
// N parses the expression, sets the zone (java.util.TimeZone id) and calls
// getNextValidTimeAfter <count> times, from <millis> and then from each fire time.
// Messages have backslash, tab, CR and LF escaped as \\ \t \r \n.
//
// Quartz 2.3.2 loops forever on some expressions (L-nW with a target day before the 1st),
// so every query runs on a worker thread with a time limit; on TIMEOUT the stuck thread is
// stopped (Thread.stop, still available in Java 17) or abandoned as a daemon.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.TimeZone;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.quartz.CronExpression;

public final class QuartzOracle {
    private static final AtomicReference<Thread> WORKER = new AtomicReference<>();

    private static ExecutorService newExecutor() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "quartz-query");
            t.setDaemon(true);
            WORKER.set(t);
            return t;
        });
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\': b.append("\\\\"); break;
                case '\t': b.append("\\t"); break;
                case '\r': b.append("\\r"); break;
                case '\n': b.append("\\n"); break;
                default: b.append(c);
            }
        }
        return b.toString();
    }

    private static String unhex(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String answer(String[] q) {
        String expr = unhex(q[1]);
        CronExpression cron;
        try {
            cron = new CronExpression(expr);
        } catch (java.text.ParseException e) {
            return "ERR\t" + escape(String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            return "EXC\t" + escape(e.toString());
        }
        if (q[0].equals("P")) {
            return "OK";
        }
        cron.setTimeZone(TimeZone.getTimeZone(q[2]));
        Date at = new Date(Long.parseLong(q[3]));
        int count = Integer.parseInt(q[4]);
        StringBuilder out = new StringBuilder("OK");
        try {
            for (int i = 0; i < count; i++) {
                at = cron.getNextValidTimeAfter(at);
                if (at == null) {
                    break;
                }
                out.append('\t').append(at.getTime());
            }
        } catch (RuntimeException e) {
            return "EXC\t" + escape(e.toString());
        }
        return out.toString();
    }

    @SuppressWarnings({"deprecation", "removal"})
    public static void main(String[] args) throws Exception {
        long limitMillis = args.length > 0 ? Long.parseLong(args[0]) : 2000;
        BufferedReader in = new BufferedReader(
                new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, false, "UTF-8");
        ExecutorService executor = newExecutor();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                continue;
            }
            final String[] q = line.split("\t", -1);
            Future<String> future = executor.submit((Callable<String>) () -> answer(q));
            String result;
            try {
                result = future.get(limitMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                result = "TIMEOUT";
                future.cancel(true);
                Thread stuck = WORKER.get();
                executor.shutdownNow();
                try {
                    stuck.stop();
                } catch (UnsupportedOperationException ignored) {
                    // newer JDKs: the daemon thread is abandoned
                }
                executor = newExecutor();
            } catch (ExecutionException e) {
                result = "EXC\t" + escape(String.valueOf(e.getCause()));
            }
            out.println(result);
            out.flush();
        }
        executor.shutdownNow();
    }
}
