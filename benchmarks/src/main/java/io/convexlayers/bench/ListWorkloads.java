package io.convexlayers.bench;

/** Prints every workload name, one a line (for {@code run.sh}). */
public final class ListWorkloads {
    private ListWorkloads() {
    }

    /** Entry point. */
    public static void main(String[] args) {
        Workloads.names().forEach(System.out::println);
    }
}
