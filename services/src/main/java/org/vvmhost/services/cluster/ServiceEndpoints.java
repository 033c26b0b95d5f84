package org.vvmhost.services.cluster;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One service's routing state: its members (ready containers that match the selector, kept by the service
 * controller), and the routable edge set the balancer reads: the members that are not marked down. Marking down
 * and up touches one edge, O(1). Member changes and down/up marks are serialized on the edge set's lock so that
 * a resync can never bring back an edge that is down.
 */
final class ServiceEndpoints {

    private final String service;
    private final RoutableEdges routable = new RoutableEdges();
    private final Set<String> members = new HashSet<>();
    private final Set<String> down;
    private volatile Balancer balancer;
    private volatile BalancerKind balancerKind;
    private volatile String problem = "";

    ServiceEndpoints(String service, BalancerKind kind, long seed, Set<String> down) {
        this.service = service;
        this.down = down;
        this.balancerKind = kind;
        this.balancer = Balancer.of(kind, seed ^ service.hashCode());
    }

    void balancer(BalancerKind kind, long seed) {
        if (kind != balancerKind) {
            balancerKind = kind;
            balancer = Balancer.of(kind, seed ^ service.hashCode());
        }
    }

    /** The balancer's choice, or null if nothing is routable. */
    Edge pick() {
        return balancer.pick(routable);
    }

    RoutableEdges routable() {
        return routable;
    }

    String problem() {
        return problem;
    }

    void problem(String text) {
        problem = text;
    }

    int memberCount() {
        synchronized (routable) {
            return members.size();
        }
    }

    /** Sets the members; existing ones keep their place in the routing order, new ones join at the end. */
    void members(Map<String, Edge> current) {
        synchronized (routable) {
            members.removeIf(name -> {
                if (!current.containsKey(name)) {
                    routable.remove(name);
                    return true;
                }
                return false;
            });
            current.keySet().stream().sorted().forEach(name -> {
                Edge edge = current.get(name);
                boolean added = members.add(name);
                if (down.contains(name)) {
                    routable.remove(name);
                } else if (added || routable.get(name) != edge) {
                    routable.putLast(edge);
                }
            });
        }
    }

    /** The container is down: its edge leaves the routable set (if it is a member). O(1). */
    void markDown(String container) {
        synchronized (routable) {
            routable.remove(container);
        }
    }

    /** The container is up again: a member's edge rejoins at the end of the order. O(1). */
    void markUp(String container, Edge edge) {
        synchronized (routable) {
            if (members.contains(container) && edge != null) {
                routable.putLast(edge);
            }
        }
    }

    List<String> order() {
        return routable.order();
    }
}
