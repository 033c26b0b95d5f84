package org.vvmhost.services.world;

import java.util.List;

/** physics = {Position, Velocity}: moves entities in straight lines and bounces them off the world's bounds. */
public final class PhysicsSet extends BuiltInSet {

    public static final int X = 0;
    public static final int Y = 1;
    public static final int VX = 2;
    public static final int VY = 3;

    public PhysicsSet() {
        super("physics", List.of("x", "y", "vx", "vy"), List.of());
    }

    /**
     * {@code set-velocity} and {@code impulse}. A velocity is in world units per tick and stays within the world's
     * size in each axis, so one bounce off an edge always brings an entity back inside.
     */
    @Override
    public List<CommandKind> commands(WorldGeometry geometry) {
        return List.of(
                new CommandKind("set-velocity", "sets the entity's velocity (world units per tick)",
                        velocityFields(geometry, "vx", "vy", "the new velocity")),
                new CommandKind("impulse", "adds to the entity's velocity; the result is clamped to the world's size",
                        velocityFields(geometry, "dvx", "dvy", "the change of velocity")));
    }

    @Override
    public List<CommandField> spawnFields(WorldGeometry geometry) {
        return velocityFields(geometry, "vx", "vy", "the initial velocity; default: a random one");
    }

    private static List<CommandField> velocityFields(WorldGeometry geometry, String x, String y, String what) {
        return List.of(
                CommandField.number(x, -geometry.width(), geometry.width(), what + " along x"),
                CommandField.number(y, -geometry.height(), geometry.height(), what + " along y"));
    }

    @Override
    public void apply(WorldCommand.OnEntity command, Columns columns, int row, WorldGeometry geometry) {
        float[] vx = columns.floats(VX);
        float[] vy = columns.floats(VY);
        switch (command.kind()) {
            case "set-velocity" -> {
                vx[row] = (float) command.field("vx");
                vy[row] = (float) command.field("vy");
            }
            case "impulse" -> {
                vx[row] = clamp(vx[row] + (float) command.field("dvx"), geometry.width());
                vy[row] = clamp(vy[row] + (float) command.field("dvy"), geometry.height());
            }
            default -> super.apply(command, columns, row, geometry);
        }
    }

    private static float clamp(float value, float limit) {
        return Math.max(-limit, Math.min(limit, value));
    }

    @Override
    public void spawn(Spawn spawn, Columns columns, int row) {
        // At most 1/200 of the world's smaller side per tick, so crossings are frequent but not wild.
        WorldGeometry geometry = spawn.geometry();
        float maxSpeed = 0.005f * Math.min(geometry.width(), geometry.height());
        columns.floats(X)[row] = spawn.x();
        columns.floats(Y)[row] = spawn.y();
        long bits = WorldRandom.mix(spawn.seed(), spawn.entityId(), -3L);
        columns.floats(VX)[row] = (WorldRandom.unitFloat(bits) * 2 - 1) * maxSpeed;
        columns.floats(VY)[row] = (WorldRandom.unitFloat(bits << 24) * 2 - 1) * maxSpeed;
    }

    @Override
    public void tick(TickContext context, Columns columns) {
        WorldGeometry geometry = context.geometry();
        int area = context.area();
        float width = geometry.width();
        float height = geometry.height();
        float minX = (area % geometry.cols()) * geometry.areaWidth();
        float minY = (area / geometry.cols()) * geometry.areaHeight();
        float maxX = minX + geometry.areaWidth();
        float maxY = minY + geometry.areaHeight();
        float[] x = columns.floats(X);
        float[] y = columns.floats(Y);
        float[] vx = columns.floats(VX);
        float[] vy = columns.floats(VY);
        int size = columns.size();
        for (int i = 0; i < size; i++) {
            float nx = bounce(x[i] + vx[i], vx, i, width);
            float ny = bounce(y[i] + vy[i], vy, i, height);
            x[i] = nx;
            y[i] = ny;
            if (nx < minX || nx >= maxX || ny < minY || ny >= maxY) {
                int to = geometry.areaOf(nx, ny);
                if (to != area) {
                    context.moved(i, to);
                }
            }
        }
    }

    /**
     * Position {@code p}, one step along an axis of length {@code limit}, reflected off the edge it crossed, if any;
     * the velocity {@code v[i]} along that axis turns with it. One step never crosses both edges.
     */
    private static float bounce(float p, float[] v, int i, float limit) {
        if (p < 0) {
            v[i] = -v[i];
            return -p;
        }
        if (p > limit) {
            v[i] = -v[i];
            return limit + limit - p;
        }
        return p;
    }
}
