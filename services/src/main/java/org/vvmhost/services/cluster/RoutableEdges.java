package org.vvmhost.services.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A service's routable edge set: an insertion-ordered map from container name to edge, the single source of truth
 * for the balancer and for the outage driver alike. Every operation is O(1) except {@link #leastInFlight}
 * (O(n), as least-connections must look at every edge):
 *
 * <ul>
 *   <li>{@link #remove} (a server goes down): unlink from the order list, swap-remove from the slot array;</li>
 *   <li>{@link #putLast} (a server comes up): insert, or move to the end if present;</li>
 *   <li>{@link #rotate} (round robin): take the head and move it to the end;</li>
 *   <li>{@link #random}: index the slot array.</li>
 * </ul>
 *
 * One lock guards it; nothing is called out while it is held.
 */
final class RoutableEdges {

    private final Map<String, Node> index = new HashMap<>();
    private Node[] slots = new Node[8];
    private int size;
    private Node head;
    private Node tail;

    synchronized void putLast(Edge edge) {
        Node node = index.get(edge.container());
        if (node != null) {
            node.edge = edge;
            unlink(node);
            link(node);
            return;
        }
        node = new Node(edge);
        index.put(edge.container(), node);
        link(node);
        if (size == slots.length) {
            Node[] grown = new Node[size * 2];
            System.arraycopy(slots, 0, grown, 0, size);
            slots = grown;
        }
        node.slot = size;
        slots[size++] = node;
    }

    synchronized boolean remove(String container) {
        Node node = index.remove(container);
        if (node == null) {
            return false;
        }
        unlink(node);
        Node last = slots[--size];
        slots[node.slot] = last;
        last.slot = node.slot;
        slots[size] = null;
        return true;
    }

    synchronized boolean contains(String container) {
        return index.containsKey(container);
    }

    synchronized Edge get(String container) {
        Node node = index.get(container);
        return node == null ? null : node.edge;
    }

    synchronized int size() {
        return size;
    }

    /** Round robin: the head, which then moves to the end. Null if empty. */
    synchronized Edge rotate() {
        Node node = head;
        if (node == null) {
            return null;
        }
        if (node != tail) {
            unlink(node);
            link(node);
        }
        return node.edge;
    }

    /** The edge with the fewest in flight, the earliest in order among equals; it then moves to the end, so
     *  equals take turns. Null if empty. */
    synchronized Edge leastInFlight() {
        Node best = null;
        int bestCount = Integer.MAX_VALUE;
        for (Node node = head; node != null; node = node.next) {
            int count = node.edge.inFlight();
            if (count < bestCount) {
                best = node;
                bestCount = count;
            }
        }
        if (best != null && best != tail) {
            unlink(best);
            link(best);
        }
        return best == null ? null : best.edge;
    }

    /** A uniformly random edge; the generator is used under this set's lock. Null if empty. */
    synchronized Edge random(RandomGenerator random) {
        return size == 0 ? null : slots[random.nextInt(size)].edge;
    }

    /** Container names in routing order, head first. */
    synchronized List<String> order() {
        List<String> names = new ArrayList<>(size);
        for (Node node = head; node != null; node = node.next) {
            names.add(node.edge.container());
        }
        return names;
    }

    private void link(Node node) {
        node.prev = tail;
        node.next = null;
        if (tail == null) {
            head = node;
        } else {
            tail.next = node;
        }
        tail = node;
    }

    private void unlink(Node node) {
        if (node.prev == null) {
            head = node.next;
        } else {
            node.prev.next = node.next;
        }
        if (node.next == null) {
            tail = node.prev;
        } else {
            node.next.prev = node.prev;
        }
        node.prev = null;
        node.next = null;
    }

    private static final class Node {
        Edge edge;
        Node prev;
        Node next;
        int slot;

        Node(Edge edge) {
            this.edge = edge;
        }
    }
}
