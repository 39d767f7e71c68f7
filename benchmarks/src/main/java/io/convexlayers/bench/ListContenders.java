package io.convexlayers.bench;

/** Prints the contenders usable on this machine, one a line (for {@code run.sh}). */
public final class ListContenders {
    private ListContenders() {
    }

    /** Entry point. */
    public static void main(String[] args) {
        Contenders.available().forEach(System.out::println);
    }
}
